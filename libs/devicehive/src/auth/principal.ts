import {
  ALL_PERMISSIONS,
  ANY_PERMISSION_ID,
  CLIENT_PERMISSIONS,
  DhError,
  permissionById,
  UserRole,
  UserStatus,
  type IdScope,
  type Permission,
  type Principal,
} from '@dh-mqtt/protocol';
import type { SqlClient } from '../storage/sql-client.port';
import {
  findAuthUserById,
  touchLastLogin,
  userAssignments,
  type AuthUser,
} from './auth-user.repository';
import { TokenType, verifyToken, type TokenPayload } from './jwt';
import { liftExpiredLock } from './login';

/**
 * docs/api/README.md: `a` with 0 ⇒ every action; `[]` ⇒ the client set; else the listed ids; absent
 * ⇒ none.
 */
function permissionsOf(a: number[] | null): readonly Permission[] {
  if (a == null) return [];
  if (a.includes(ANY_PERMISSION_ID)) return ALL_PERMISSIONS;
  if (a.length === 0) return CLIENT_PERMISSIONS;
  return a.map(permissionById).filter((p): p is Permission => p !== undefined);
}

function idsOf(claim: readonly string[]): number[] {
  return claim.map(Number).filter((id) => Number.isSafeInteger(id));
}

/**
 * docs/api/README.md: `"*"` ⇒ all networks; listed ids; null/absent ⇒ no network access (CODE, not
 * DOC).
 */
function networkScope(n: string[] | null): IdScope {
  if (n == null) return [];
  return n.includes('*') ? '*' : idsOf(n);
}

/**
 * docs/api/README.md: all device types unless the user lacks allDeviceTypesAvailable; then `"*"` in
 * `dt` (or the user flag) ⇒ all, else the listed ids; `dt` null ⇒ as the user flag decided
 * (restricted with no ids = none).
 */
function deviceTypeScope(dt: string[] | null, user: AuthUser): IdScope {
  if (dt == null) return user.allDeviceTypesAvailable ? '*' : [];
  return dt.includes('*') || user.allDeviceTypesAvailable ? '*' : idsOf(dt);
}

async function buildPrincipal(
  sql: SqlClient,
  user: AuthUser,
  payload: TokenPayload,
): Promise<Principal> {
  const admin = user.role === UserRole.Admin;
  const assigned = admin ? null : await userAssignments(sql, user.id);
  return {
    userId: user.id,
    login: user.login,
    role: user.role,
    permissions: permissionsOf(payload.a),
    networkIds: networkScope(payload.n),
    deviceTypeIds: deviceTypeScope(payload.dt, user),
    userNetworkIds: assigned ? assigned.networkIds : '*',
    userDeviceTypeIds: assigned && !user.allDeviceTypesAvailable ? assigned.deviceTypeIds : '*',
  };
}

/**
 * An ACTIVE user for a verified token, else 401 `Invalid credentials` (docs/api/README.md,
 * docs/api/session.md). A lock from failed attempts that has expired is lifted first
 * (docs/security.md, "Login lockout").
 */
export async function activeTokenUser(
  sql: SqlClient,
  payload: TokenPayload,
  now: Date,
): Promise<AuthUser> {
  const found = await findAuthUserById(sql, payload.u);
  const user = found && (await liftExpiredLock(sql, found, now));
  if (user == null || user.status !== UserStatus.Active) {
    throw new DhError('INCORRECT_CREDENTIALS');
  }
  return user;
}

/**
 * The session principal of an access token (`authenticate`, docs/api/README.md): invalid or
 * refresh-type token ⇒ 401 `Invalid credentials`; expired ⇒ 401 `Token expired`; user missing or
 * not ACTIVE ⇒ 401 `Invalid credentials`. Refreshes the user's lastLogin (docs/api/README.md).
 */
export async function principalFromAccessToken(
  sql: SqlClient,
  secret: string,
  token: string,
  now: Date,
): Promise<Principal> {
  const payload = await verifyToken(secret, token);
  if (payload.t !== TokenType.Access) throw new DhError('INCORRECT_CREDENTIALS');
  if (payload.e < now.getTime()) throw new DhError('TOKEN_EXPIRED_AUTHENTICATE');
  const user = await activeTokenUser(sql, payload, now);
  const principal = await buildPrincipal(sql, user, payload);
  await touchLastLogin(sql, user.id, now);
  return principal;
}
