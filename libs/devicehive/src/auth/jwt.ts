import { DhError } from '@dh-mqtt/protocol';
import { jwtVerify, SignJWT } from 'jose';
import { jwtKey } from './jwt-secret';

/** `t` claim values (docs/api/README.md). */
export const TokenType = { Refresh: 0, Access: 1 } as const;
export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** Token lifetimes of the reference (`jwt.access-token-max-age`, `jwt.refresh-token-max-age`). */
export const ACCESS_TOKEN_LIFETIME_MS = 1_800_000;
export const REFRESH_TOKEN_LIFETIME_MS = 15_724_800_000;

/**
 * The `payload` claim of a user token (docs/api/README.md): user id, action ids
 * (docs/api/README.md), network and device type ids as strings (or `"*"`), expiry in epoch ms,
 * token type. Key order as the reference.
 */
export interface TokenPayload {
  u: number;
  a: number[] | null;
  n: string[] | null;
  dt: string[] | null;
  e: number;
  t: TokenType;
}

/** What a token grants, before it gets an expiry and a type. */
export type TokenGrant = Pick<TokenPayload, 'u' | 'a' | 'n' | 'dt'>;

/** Signs `{"payload": {...}}` with HS256 and no standard claims (interop with the reference). */
export function signToken(secret: string, grant: TokenGrant, type: TokenType, expiresAt: number) {
  const payload: TokenPayload = {
    u: grant.u,
    a: grant.a,
    n: grant.n,
    dt: grant.dt,
    e: expiresAt,
    t: type,
  };
  return new SignJWT({ payload }).setProtectedHeader({ alg: 'HS256' }).sign(jwtKey(secret));
}

const isIntArray = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' || Number.isSafeInteger(x));

/**
 * Verifies signature and shape; does NOT check type or expiry (callers answer those with their
 * own texts). Garbage, a bad signature, another algorithm or a payload without `u`, `e` and `t`
 * ⇒ 401 `Invalid credentials`.
 */
export async function verifyToken(secret: string, token: string): Promise<TokenPayload> {
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, jwtKey(secret), { algorithms: ['HS256'] }));
  } catch {
    throw new DhError('INCORRECT_CREDENTIALS');
  }
  const p = claims['payload'] as Record<string, unknown> | undefined;
  if (
    typeof p !== 'object' ||
    p === null ||
    !Number.isSafeInteger(p['u']) ||
    typeof p['e'] !== 'number' ||
    (p['t'] !== TokenType.Access && p['t'] !== TokenType.Refresh)
  ) {
    throw new DhError('INCORRECT_CREDENTIALS');
  }
  return {
    u: p['u'] as number,
    a: isIntArray(p['a']) ? p['a'] : null,
    n: isStringArray(p['n']) ? p['n'].map(String) : null,
    dt: isStringArray(p['dt']) ? p['dt'].map(String) : null,
    e: p['e'],
    t: p['t'],
  };
}
