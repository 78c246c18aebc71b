import {
  DhError,
  EVENT_KIND_OF_TOPIC,
  type DeviceEventKind,
  type EventTopic,
  type JsonObject,
  type RequestMessage,
} from '@dh-mqtt/protocol';
import { MAX_REQUEST_DEPTH, nestedDeeperThan } from '../requests/parse-request';

/**
 * What a native publish (docs/topics/notification.md) amounts to: the action it stands for and
 * either the request to run or the error to answer on that action's response topic.
 */
export type NativeRequest =
  | { readonly ok: true; readonly action: DeviceEventKind; readonly request: RequestMessage }
  | { readonly ok: false; readonly action: DeviceEventKind; readonly error: DhError };

/**
 * Turns a publish on a concrete event topic into its action (docs/topics/notification.md):
 * - `dh/notification/…/{device}/{name}` → `notification/insert`
 *   `{deviceId, notification: {...payload, notification: name}}`;
 * - `dh/command/…/{device}/{name}` → `command/insert` `{deviceId, command: {...payload, command:
 *   name}}`;
 * - `dh/command_update/…/{device}/{name}` → `command/update`
 *   `{deviceId, commandId: payload.id, command: {status, result}}`.
 * The topic's name level wins over a name in the payload: subscribers route by the topic.
 * Over `maxBytes` → 413; not a JSON object → 400 `Malformed Json received.`; an `@owner` suffix
 * → 400 (levels must be concrete, and owners are the system's to assign). No `requestId`: the
 * reply echoes `null`.
 */
export function nativeRequest(topic: EventTopic, payload: Buffer, maxBytes: number): NativeRequest {
  const action = EVENT_KIND_OF_TOPIC[topic.kind];
  const fail = (error: DhError): NativeRequest => ({ ok: false, action, error });
  if (payload.length > maxBytes) {
    return fail(new DhError('DH_ERR_PAYLOAD_TOO_LARGE', payload.length, maxBytes));
  }
  if (topic.owner !== null) {
    return fail(new DhError('DH_ERR_VALIDATION', 'A native publish topic takes no @owner suffix'));
  }
  const body = parseObject(payload);
  if (body === null) return fail(new DhError('DH_ERR_MALFORMED_JSON'));
  const { deviceId, name } = topic;
  switch (topic.kind) {
    case 'notification':
      return {
        ok: true,
        action,
        request: { action, deviceId, notification: { ...body, notification: name } },
      };
    case 'command':
      return {
        ok: true,
        action,
        request: { action, deviceId, command: { ...body, command: name } },
      };
    case 'command_update': {
      const command: JsonObject = {};
      if (body['status'] !== undefined) command['status'] = body['status'];
      if (body['result'] !== undefined) command['result'] = body['result'];
      return { ok: true, action, request: { action, deviceId, commandId: body['id'], command } };
    }
  }
}

function parseObject(payload: Buffer): JsonObject | null {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    // Too deep to copy safely further down: treated as malformed (see parseRequest).
    return typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !nestedDeeperThan(value, MAX_REQUEST_DEPTH)
      ? (value as JsonObject)
      : null;
  } catch {
    return null;
  }
}
