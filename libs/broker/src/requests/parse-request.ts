import { DhError, errorReplyFrom, type JsonObject, type RequestMessage } from '@dh-mqtt/protocol';

/**
 * The outcome of reading a `dh/request` payload (mqtt-api.md §4, ADR 0002): a request to forward,
 * or the error reply the broker sends itself on the reserved topic `dh/response/error@{clientId}`.
 */
export type ParsedRequest =
  | { readonly ok: true; readonly request: RequestMessage }
  | { readonly ok: false; readonly reply: JsonObject };

const MALFORMED = new DhError('DH_ERR_MALFORMED_JSON');

/**
 * Checks size, JSON, object-ness and a string `action`, in that order.
 * - over `maxBytes`: 413 with action and requestId null (the payload is not parsed at all);
 * - not JSON, or JSON but not an object: the reference body
 *   `{"code":400,"status":"error","error":"Malformed Json received."}` (devicehive-api.md §1.3);
 * - an object without a string `action`: the same 400 with `"action":null` and its `requestId`.
 */
export function parseRequest(payload: Buffer, maxBytes: number): ParsedRequest {
  if (payload.length > maxBytes) {
    const err = new DhError('DH_ERR_PAYLOAD_TOO_LARGE', payload.length, maxBytes);
    return { ok: false, reply: errorReplyFrom(null, null, err) };
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reply: unroutable() };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reply: unroutable() };
  }
  const request = value as JsonObject;
  if (typeof request['action'] !== 'string') {
    return { ok: false, reply: errorReplyFrom(null, request['requestId'], MALFORMED) };
  }
  return { ok: true, request: request as RequestMessage };
}

function unroutable(): JsonObject {
  return { code: MALFORMED.status, status: 'error', error: MALFORMED.message };
}
