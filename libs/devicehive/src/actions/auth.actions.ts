import { DhError, UserStatus, type JsonObject } from '@dh-mqtt/protocol';
import { findAuthUserById, touchLastLogin } from '../auth/auth-user.repository';
import {
  ACCESS_TOKEN_LIFETIME_MS,
  REFRESH_TOKEN_LIFETIME_MS,
  signToken,
  TokenType,
  verifyToken,
  type TokenGrant,
} from '../auth/jwt';
import { checkCredentials, liftExpiredLock } from '../auth/login';
import { activeTokenUser, principalFromAccessToken } from '../auth/principal';
import { loginGrant, requestedActionIds, requestedScope } from '../auth/token-grant';
import type { ActionContext, ActionTable } from '../core/action';
import { isJsonObject } from '../core/request-fields';
import { parseTimestamp } from '../core/timestamp';

async function tokenPair(
  ctx: ActionContext,
  grant: TokenGrant,
  accessExpiresAt: number,
  refreshExpiresAt: number,
): Promise<JsonObject> {
  return {
    accessToken: await signToken(ctx.jwtSecret, grant, TokenType.Access, accessExpiresAt),
    refreshToken: await signToken(ctx.jwtSecret, grant, TokenType.Refresh, refreshExpiresAt),
  };
}

/** docs/api/session.md `token`: login and password ⇒ access and refresh token. */
async function token(ctx: ActionContext, request: JsonObject) {
  const { login, password } = request;
  if (
    typeof login !== 'string' ||
    login.trim() === '' ||
    typeof password !== 'string' ||
    !password
  ) {
    throw new DhError('INVALID_AUTH_REQUEST_PARAMETERS');
  }
  const now = ctx.now();
  const user = await checkCredentials(ctx.sql, login, password, now);
  const grant = await loginGrant(ctx.sql, user);
  const t = now.getTime();
  return {
    body: await tokenPair(ctx, grant, t + ACCESS_TOKEN_LIFETIME_MS, t + REFRESH_TOKEN_LIFETIME_MS),
  };
}

/**
 * docs/api/session.md `token/create`: tokens for any ACTIVE user with the requested rights. Missing
 * `payload` ⇒ 400 `Missing or invalid payload in request` (REF-BUG: the reference answers 500).
 */
async function tokenCreate(ctx: ActionContext, request: JsonObject) {
  const payload = request['payload'];
  if (payload == null) throw new DhError('PAYLOAD_NOT_FOUND');
  if (!isJsonObject(payload)) throw new DhError('DH_ERR_MALFORMED_JSON');
  const userId = payload['userId'];
  if (!Number.isSafeInteger(userId)) throw new DhError('USER_ID_REQUIRED');
  const found = await findAuthUserById(ctx.sql, userId as number);
  if (found == null) throw new DhError('USER_NOT_FOUND', userId as number);
  const user = await liftExpiredLock(ctx.sql, found, ctx.now());
  if (user.status !== UserStatus.Active) throw new DhError('USER_NOT_ACTIVE_FORBIDDEN');
  const now = ctx.now().getTime();
  const expiration =
    payload['expiration'] == null ? undefined : parseTimestamp(payload['expiration']).getTime();
  const refreshExpiration =
    payload['refreshExpiration'] == null
      ? (expiration ?? now + REFRESH_TOKEN_LIFETIME_MS)
      : parseTimestamp(payload['refreshExpiration']).getTime();
  const grant: TokenGrant = {
    u: user.id,
    a: requestedActionIds(payload['actions']),
    n: requestedScope(payload['networkIds']),
    dt: requestedScope(payload['deviceTypeIds']),
  };
  return {
    body: await tokenPair(
      ctx,
      grant,
      expiration ?? now + ACCESS_TOKEN_LIFETIME_MS,
      refreshExpiration,
    ),
  };
}

/**
 * docs/api/session.md `token/refresh`: a refresh token ⇒ a new access token with the same rights. A
 * bad signature, or a user missing or not ACTIVE ⇒ 401 `Invalid credentials` (REF-BUG: the
 * reference answers 500 there).
 */
async function tokenRefresh(ctx: ActionContext, request: JsonObject) {
  const refreshToken = request['refreshToken'];
  if (typeof refreshToken !== 'string' || refreshToken === '') {
    throw new DhError('PAYLOAD_NOT_FOUND');
  }
  const payload = await verifyToken(ctx.jwtSecret, refreshToken);
  if (payload.t !== TokenType.Refresh) throw new DhError('INVALID_TOKEN_TYPE');
  const now = ctx.now();
  if (payload.e < now.getTime()) throw new DhError('EXPIRED_TOKEN');
  const user = await activeTokenUser(ctx.sql, payload, now);
  await touchLastLogin(ctx.sql, user.id, now);
  const accessToken = await signToken(
    ctx.jwtSecret,
    payload,
    TokenType.Access,
    now.getTime() + ACCESS_TOKEN_LIFETIME_MS,
  );
  return { body: { accessToken } };
}

/**
 * docs/api/session.md `authenticate`: the session principal of an access token
 * (docs/api/README.md).
 */
async function authenticate(ctx: ActionContext, request: JsonObject) {
  const accessToken = request['token'];
  if (accessToken == null || accessToken === '') throw new DhError('DH_ERR_UNAUTHORIZED');
  if (typeof accessToken !== 'string') throw new DhError('INCORRECT_CREDENTIALS');
  const principal = await principalFromAccessToken(ctx.sql, ctx.jwtSecret, accessToken, ctx.now());
  return { body: {}, principal };
}

/** Session and token actions (docs/api/session.md). */
export const authActions: ActionTable = {
  token,
  'token/create': tokenCreate,
  'token/refresh': tokenRefresh,
  authenticate,
};
