import { DhError } from '@dh-mqtt/protocol';
import type { RemoteResponse } from './remote-http-client';

/** Texts for an error status whose body carries none (the server's usual texts). */
const STATUS_TEXTS: Readonly<Record<number, string>> = {
  400: 'Invalid request parameters',
  401: 'Unauthorized',
  403: 'Access is denied',
  404: 'HTTP 404 Not Found',
  405: 'HTTP 405 Method Not Allowed',
  409: 'Conflict',
};

/** Gateway statuses: a proxy in front of the server answered for it. */
const UNREACHABLE = new Set([502, 503, 504]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The error reply of a remote answer with an error status (docs/adr/0014): DeviceHive's
 * `{"error": <status>, "message": <text>}` becomes the same status and text on this API. A body
 * without a text gets the usual text of its status; a 502/503/504 without one (a proxy's page)
 * is 503 `Service unavailable`.
 */
export function remoteError(response: RemoteResponse): DhError {
  const { status, body } = response;
  const message = isObject(body) ? body['message'] : undefined;
  if (typeof message === 'string' && message !== '') return DhError.remote(status, message);
  if (UNREACHABLE.has(status)) return new DhError('DH_ERR_BACKEND_UNAVAILABLE');
  return DhError.remote(status, STATUS_TEXTS[status] ?? `HTTP ${status}`);
}

/** True for a success status. */
export function isSuccess(response: RemoteResponse): boolean {
  return response.status >= 200 && response.status < 300;
}
