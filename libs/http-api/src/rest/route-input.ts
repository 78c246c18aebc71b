import type { JsonObject } from '@dh-mqtt/protocol';

/** What a REST route builds its action request from. */
export interface RouteInput {
  /** Path parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  readonly body: unknown;
}

const INTEGER = /^-?\d{1,15}$/;

/**
 * A query or path value as the action expects it: an integer string becomes a number (the
 * actions validate numbers), anything else stays the string the client sent, so the action's own
 * validation answers it with the same 400 text as on MQTT.
 */
export function wireValue(text: string | null | undefined): string | number | undefined {
  if (text === null || text === undefined) return undefined;
  return INTEGER.test(text) ? Number(text) : text;
}

/** A comma-separated query value as a list (`names=a,b`); absent = undefined. */
export function listValue(text: string | null): string[] | undefined {
  if (text === null || text === '') return undefined;
  return text.split(',').map((item) => item.trim());
}

/** A comma-separated list of ids (`networkIds=1,2`): integers where they are integers. */
export function idListValue(text: string | null): Array<string | number> | undefined {
  return listValue(text)?.map((item) => wireValue(item) as string | number);
}

/** A boolean query value (`force=true`); anything else is passed on for the action to refuse. */
export function booleanValue(text: string | null): boolean | string | undefined {
  if (text === null) return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/** The named query parameters, each converted with {@link wireValue}; absent ones left out. */
export function queryFields(query: URLSearchParams, names: readonly string[]): JsonObject {
  const fields: JsonObject = {};
  for (const name of names) {
    const value = wireValue(query.get(name));
    if (value !== undefined) fields[name] = value;
  }
  return fields;
}

/** The body when it is a JSON object, else an empty object (the action refuses what is missing). */
export function bodyObject(body: unknown): JsonObject {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as JsonObject)
    : {};
}
