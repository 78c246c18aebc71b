import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ClientSession } from '@dh-mqtt/broker';
import type { JsonObject, Reply } from '@dh-mqtt/protocol';
import type { ActionFace } from '../face/action-face.port';

/** The status and body of a REST response. */
export interface RestResponse {
  status: number;
  body?: unknown;
}

/** The reference's 401 body text for a missing, wrong or expired token on REST. */
export const UNAUTHORIZED = 'Unauthorized';

/** An anonymous session for one REST call. */
export function newRestSession(): ClientSession {
  return new ClientSession(`rest-${randomUUID()}`);
}

/**
 * A session for one REST call (docs/adr/0012): anonymous without an `Authorization` header; with
 * `Bearer <access token>` the token goes through `authenticate`, the same action an MQTT or
 * WebSocket client sends, so its checks (signature, type, expiry, user status) are the core's.
 * A header that is not a valid bearer token is 401 `Unauthorized`.
 */
export async function restSession(
  face: ActionFace,
  req: IncomingMessage,
): Promise<ClientSession | RestResponse> {
  const session = newRestSession();
  const header = req.headers.authorization;
  if (header === undefined) return session;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const unauthorized = { status: 401, body: { error: 401, message: UNAUTHORIZED } };
  if (!match) return unauthorized;
  const reply = await face.handleFaceRequest(session, {
    action: 'authenticate',
    token: match[1],
  });
  return reply.status === 'success' && session.principal ? session : unauthorized;
}

/**
 * The REST response of an action reply: an error reply becomes `{"error": code, "message":
 * text}` with that status; a success reply's `field` is the body (`''` = every payload field,
 * none = an empty 204).
 */
export function restResponse(reply: Reply, field: string | undefined, status?: number) {
  if (reply.status === 'error') {
    return { status: reply.code, body: { error: reply.code, message: reply.error } };
  }
  if (field === undefined) return { status: status ?? 204 };
  if (field !== '') return { status: status ?? 200, body: reply[field] ?? null };
  const { action: _a, requestId: _r, status: _s, ...payload } = reply;
  return { status: status ?? 200, body: payload as JsonObject };
}
