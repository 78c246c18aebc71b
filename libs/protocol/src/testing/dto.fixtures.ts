import type { ActionName } from '../actions/action-catalog';
import type { ErrorCode } from '../errors/error-catalog';
import { validateRequest } from '../dto/validate-request';

/** What a client observes of a rejected request: the reply's code and error text. */
export interface Rejection {
  status: number;
  code: ErrorCode;
  text: string;
}

/** Validates and returns the rejection, or throws when the request was accepted. */
export function rejectionOf(action: ActionName, payload: Record<string, unknown>): Rejection {
  const result = validateRequest(action, payload);
  if (result.ok) throw new Error(`${action} accepted ${JSON.stringify(payload)}`);
  return { status: result.error.status, code: result.error.code, text: result.error.message };
}

/** Validates and returns the typed request, or throws with the rejection text. */
export function acceptedOf<A extends ActionName>(action: A, payload: Record<string, unknown>) {
  const result = validateRequest(action, payload);
  if (!result.ok) throw new Error(`${action} rejected: ${result.error.message}`);
  return result.request;
}
