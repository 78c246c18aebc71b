import {
  ALL_PERMISSIONS,
  ANY_PERMISSION_ID,
  CLIENT_PERMISSIONS,
  permissionById,
  type IdScope,
  type Permission,
} from '@dh-mqtt/protocol';

/**
 * The `payload` claim of a DeviceHive JWT (docs/api/README.md, "JWT"): user id, permission ids,
 * network and device type ids (or `"*"`), expiry in epoch ms, type (1 access, 0 refresh).
 */
export interface TokenClaims {
  u: number;
  a: number[] | null;
  n: string[] | null;
  dt: string[] | null;
  e: number;
  t: number;
}

const isIntArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));
const isIdArray = (v: unknown): v is Array<string | number> =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' || Number.isSafeInteger(x));

/**
 * The claims of a compact JWS, read WITHOUT checking the signature (the server, or the shared
 * secret, checks it): null when the text is not a JWT with a DeviceHive payload.
 */
export function readClaims(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const p = (claims as { payload?: unknown } | null)?.payload as Record<string, unknown> | null;
  if (typeof p !== 'object' || p === null) return null;
  if (!Number.isSafeInteger(p['u']) || typeof p['e'] !== 'number') return null;
  if (p['t'] !== 0 && p['t'] !== 1) return null;
  return {
    u: p['u'] as number,
    a: isIntArray(p['a']) ? p['a'] : null,
    n: isIdArray(p['n']) ? p['n'].map(String) : null,
    dt: isIdArray(p['dt']) ? p['dt'].map(String) : null,
    e: p['e'],
    t: p['t'],
  };
}

/** `a`: with 0 every permission; `[]` the client set; else the listed ids; absent none. */
export function permissionsOf(a: number[] | null): readonly Permission[] {
  if (a == null) return [];
  if (a.includes(ANY_PERMISSION_ID)) return ALL_PERMISSIONS;
  if (a.length === 0) return CLIENT_PERMISSIONS;
  return a.map(permissionById).filter((p): p is Permission => p !== undefined);
}

/** `n` or `dt`: `"*"` every id; else the listed ids; absent or null none. */
export function scopeOf(claim: string[] | null): IdScope {
  if (claim == null) return [];
  if (claim.includes('*')) return '*';
  return claim.map(Number).filter((id) => Number.isSafeInteger(id));
}
