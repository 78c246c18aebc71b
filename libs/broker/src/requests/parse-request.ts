import {
  DhError,
  errorReplyFrom,
  jsonDepthWithin,
  MAX_JSON_DEPTH,
  type JsonObject,
  type RequestMessage,
} from '@dh-mqtt/protocol';

/**
 * The outcome of reading a `dh/request` payload (docs/topics/request.md, ADR 0002): a request to
 * forward, or the error reply the broker sends itself on the reserved topic
 * `dh/response/error@{clientId}`.
 */
export type ParsedRequest =
  | { readonly ok: true; readonly request: RequestMessage }
  | {
      readonly ok: false;
      /** The topic-routing action of the error reply; null = the reserved error topic. */
      readonly action: string | null;
      readonly reply: JsonObject;
    };

const MALFORMED = new DhError('DH_ERR_MALFORMED_JSON');

/** Depth allowed for a whole request: the DTOs' per-field MAX_JSON_DEPTH plus room for wrappers. */
export const MAX_REQUEST_DEPTH = MAX_JSON_DEPTH + 8;

/**
 * Checks size, JSON, object-ness and a string `action`, in that order.
 * - over `maxBytes`: 413 with action and requestId null (the payload is not parsed at all);
 * - not JSON, or JSON but not an object: the reference body
 *   `{"code":400,"status":"error","error":"Malformed Json received."}` (docs/api/README.md);
 * - an object without a string `action`: the same 400 with `"action":null` and its `requestId`;
 * - a request nested deeper than MAX_REQUEST_DEPTH: 400 on the action's response topic. Such values
 *   would overflow the stack of `JSON.stringify` further down (bus copies, reply echo), so they
 *   stop here; a too-deep `requestId` is answered with `requestId: null`.
 */
export function parseRequest(payload: Buffer, maxBytes: number): ParsedRequest {
  if (payload.length > maxBytes) {
    const err = new DhError('DH_ERR_PAYLOAD_TOO_LARGE', payload.length, maxBytes);
    return { ok: false, action: null, reply: errorReplyFrom(null, null, err) };
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, action: null, reply: unroutable() };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, action: null, reply: unroutable() };
  }
  const request = value as JsonObject;
  if (typeof request['action'] !== 'string') {
    const requestId = nestedDeeperThan(request['requestId'], MAX_REQUEST_DEPTH)
      ? null
      : request['requestId'];
    return { ok: false, action: null, reply: errorReplyFrom(null, requestId, MALFORMED) };
  }
  if (nestedDeeperThan(request, MAX_REQUEST_DEPTH)) {
    const action = request['action'];
    const requestId = nestedDeeperThan(request['requestId'], MAX_REQUEST_DEPTH)
      ? null
      : request['requestId'];
    const err = new DhError('DH_ERR_JSON_TOO_DEEP', MAX_REQUEST_DEPTH);
    return { ok: false, action, reply: errorReplyFrom(action, requestId, err) };
  }
  return { ok: true, request: request as RequestMessage };
}

/** True when `value` nests deeper than `max` levels (protocol's allocation-free bounded walk). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  return !jsonDepthWithin(value, max);
}

function unroutable(): JsonObject {
  return { code: MALFORMED.status, status: 'error', error: MALFORMED.message };
}
