// TEMPORARY: stands in for `validateRequest` of `@dh-mqtt/protocol` (libs/protocol/src/dto,
// written in parallel) until it is exported; then this file goes and the dispatcher imports it.
import type { DhError, JsonObject } from '@dh-mqtt/protocol';

export type ValidationResult = { ok: true; request: JsonObject } | { ok: false; error: DhError };

/** Accepts every request as is. */
export function validateRequest(_action: string, payload: JsonObject): ValidationResult {
  return { ok: true, request: payload };
}
