import type { DhError } from '../errors/error-catalog';

/** A JSON object as it arrives on the wire. */
export type JsonObject = { [key: string]: unknown };

/** The payload of `dh/request` (docs/api/README.md): flat fields beside the action. */
export interface RequestMessage extends JsonObject {
  action: string;
  requestId?: unknown;
}

/** A success reply (docs/api/README.md): action, requestId, status, then the action's fields. */
export type SuccessReply = {
  action: string | null;
  requestId: unknown;
  status: 'success';
} & JsonObject;

/**
 * An error reply (docs/api/README.md): action, requestId, code, status, error — in that key order.
 */
export interface ErrorReply extends JsonObject {
  action: string | null;
  requestId: unknown;
  code: number;
  status: 'error';
  error: string;
}

export type Reply = SuccessReply | ErrorReply;

/**
 * A server push (docs/api/subscriptions.md): no requestId, no status; carries the subscriptionId.
 */
export interface PushMessage extends JsonObject {
  action: 'notification/insert' | 'command/insert' | 'command/update';
  subscriptionId: number | null;
}

/**
 * Builds a success reply with the reference key order. Keys of `body` named like envelope keys
 * do not override them.
 */
export function successReply(
  action: string | null,
  requestId: unknown,
  body: JsonObject = {},
): SuccessReply {
  const reply: JsonObject = { action, requestId: requestId ?? null, status: 'success' };
  for (const [key, value] of Object.entries(body)) {
    if (!(key in reply)) reply[key] = value;
  }
  return reply as SuccessReply;
}

export function errorReply(
  action: string | null,
  requestId: unknown,
  code: number,
  error: string,
): ErrorReply {
  return { action, requestId: requestId ?? null, code, status: 'error', error };
}

export function errorReplyFrom(
  action: string | null,
  requestId: unknown,
  err: DhError,
): ErrorReply {
  return errorReply(action, requestId, err.status, err.message);
}

export function isErrorReply(reply: Reply): reply is ErrorReply {
  return reply.status === 'error';
}
