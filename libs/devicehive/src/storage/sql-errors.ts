import { DhError, type ErrorCode } from '@dh-mqtt/protocol';

/** Unique constraints whose violation has its own reference text (docs/api/README.md). */
const UNIQUE_VIOLATIONS: Readonly<Record<string, ErrorCode>> = {
  dh_user_login_key: 'DUPLICATE_LOGIN',
  dh_network_name_key: 'DUPLICATE_NETWORK',
  dh_device_type_name_key: 'DUPLICATE_DEVICE_TYPE',
};

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * Translates a database failure that reached the action boundary into the reply the client
 * should see, or null when it is a defect (the caller answers 500 and logs it):
 * - unique violation (23505): the entity's duplicate text (403), else 409 conflict (a racing
 *   insert of the same key, docs/api/README.md);
 * - foreign-key violation (23503), serialization failure, deadlock: 409 conflict;
 * - data exception (class 22: value too long, out of range): 400 `Invalid request parameters`;
 * - connection refused/lost, server shutting down (class 08, 57P0x): 503.
 * The SQL text and the database message never reach the reply.
 */
export function sqlErrorToDhError(error: unknown): DhError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (typeof code !== 'string') return null;
  if (code === '23505') {
    const specific = typeof constraint === 'string' ? UNIQUE_VIOLATIONS[constraint] : undefined;
    return new DhError(specific ?? 'DH_ERR_CONFLICT');
  }
  if (code === '23503' || code === '40001' || code === '40P01')
    return new DhError('DH_ERR_CONFLICT');
  if (code.startsWith('22')) return new DhError('INVALID_REQUEST_PARAMETERS');
  if (code.startsWith('08') || code.startsWith('57P0') || UNAVAILABLE_NODE_CODES.has(code)) {
    return new DhError('DH_ERR_BACKEND_UNAVAILABLE');
  }
  return null;
}

/**
 * An error as log details (`{ error: { name, message, code, stack } }`) that both a pino logger and
 * the core's stderr fallback print whole (an `Error`'s own fields are not enumerable).
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const { code } = error as { code?: unknown };
  return { error: { name: error.name, message: error.message, code, stack: error.stack } };
}
