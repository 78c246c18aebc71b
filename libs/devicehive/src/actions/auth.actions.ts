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
import type { ActionContext, ActionImpl, ActionTable } from '../core/action';
import { parseOptionalTimestamp } from '../core/timestamp';

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

/**
 * docs/api/session.md `token`: login and password ⇒ access and refresh token. The DTO refused a
 * blank login or an empty password (400 `Invalid or empty authorization request parameters`).
 */
const token: ActionImpl<'token'> = async (ctx, { login, password }) => {
  const now = ctx.now();
  const user = await checkCredentials(ctx.sql, login, password, now);
  const grant = await loginGrant(ctx.sql, user);
  const t = now.getTime();
  return {
    body: await tokenPair(ctx, grant, t + ACCESS_TOKEN_LIFETIME_MS, t + REFRESH_TOKEN_LIFETIME_MS),
  };
};

/**
 * docs/api/session.md `token/create`: tokens for any ACTIVE user with the requested rights. The
 * DTO refused a missing `payload` (400 `Missing or invalid payload in request`; REF-BUG: the
 * reference answers 500) and a missing `payload.userId`.
 */
const tokenCreate: ActionImpl<'token/create'> = async (ctx, { payload }) => {
  const { userId } = payload;
  const found = await findAuthUserById(ctx.sql, userId);
  if (found == null) throw new DhError('USER_NOT_FOUND', userId);
  const user = await liftExpiredLock(ctx.sql, found, ctx.now());
  if (user.status !== UserStatus.Active) throw new DhError('USER_NOT_ACTIVE_FORBIDDEN');
  const now = ctx.now().getTime();
  const expiration = parseOptionalTimestamp(payload.expiration)?.getTime();
  const refreshExpiration =
    parseOptionalTimestamp(payload.refreshExpiration)?.getTime() ??
    expiration ??
    now + REFRESH_TOKEN_LIFETIME_MS;
  const grant: TokenGrant = {
    u: user.id,
    a: requestedActionIds(payload.actions),
    n: requestedScope(payload.networkIds),
    dt: requestedScope(payload.deviceTypeIds),
  };
  return {
    body: await tokenPair(
      ctx,
      grant,
      expiration ?? now + ACCESS_TOKEN_LIFETIME_MS,
      refreshExpiration,
    ),
  };
};

/**
 * docs/api/session.md `token/refresh`: a refresh token ⇒ a new access token with the same rights. A
 * bad signature, or a user missing or not ACTIVE ⇒ 401 `Invalid credentials` (REF-BUG: the
 * reference answers 500 there).
 */
const tokenRefresh: ActionImpl<'token/refresh'> = async (ctx, { refreshToken }) => {
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
};

/**
 * docs/api/session.md `authenticate`: the session principal of an access token
 * (docs/api/README.md). The DTO answered an absent, empty or non-string token.
 */
const authenticate: ActionImpl<'authenticate'> = async (ctx, { token: accessToken }) => {
  const principal = await principalFromAccessToken(ctx.sql, ctx.jwtSecret, accessToken, ctx.now());
  return { body: {}, principal };
};

/** Session and token actions (docs/api/session.md). */
export const authActions: ActionTable = {
  token,
  'token/create': tokenCreate,
  'token/refresh': tokenRefresh,
  authenticate,
};
