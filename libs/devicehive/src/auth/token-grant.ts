import {
  ANY_PERMISSION_ID,
  CLIENT_PERMISSIONS,
  NO_PERMISSION_ID,
  PERMISSION_IDS,
  permissionById,
  permissionByName,
  UserRole,
} from '@dh-mqtt/protocol';
import type { SqlClient } from '../storage/sql-client.port';
import { userAssignments, type AuthUser } from './auth-user.repository';
import type { TokenGrant } from './jwt';

const WILDCARD = '*';

/**
 * What a login token grants (docs/api/README.md): ADMIN `a=[0]`, all networks and device
 * types; CLIENT the client set, its assigned networks, and its device types (`"*"` when
 * allDeviceTypesAvailable).
 */
export async function loginGrant(sql: SqlClient, user: AuthUser): Promise<TokenGrant> {
  if (user.role === UserRole.Admin) {
    return { u: user.id, a: [ANY_PERMISSION_ID], n: [WILDCARD], dt: [WILDCARD] };
  }
  const assigned = await userAssignments(sql, user.id);
  return {
    u: user.id,
    a: CLIENT_PERMISSIONS.map((permission) => PERMISSION_IDS[permission]).sort((x, y) => x - y),
    n: assigned.networkIds.map(String),
    dt: user.allDeviceTypesAvailable ? [WILDCARD] : assigned.deviceTypeIds.map(String),
  };
}

function actionId(ref: unknown): number | undefined {
  if (typeof ref === 'number') {
    const known = ref === ANY_PERMISSION_ID || ref === NO_PERMISSION_ID || permissionById(ref);
    return known ? ref : undefined;
  }
  if (typeof ref !== 'string') return undefined;
  if (ref === WILDCARD) return ANY_PERMISSION_ID;
  const permission = permissionByName(ref);
  return permission && PERMISSION_IDS[permission];
}

/**
 * The `a` claim of `token/create` (docs/api/README.md, docs/api/session.md): names
 * (case-insensitive) or ids, `"*"`/0 = all, unknown ones dropped; absent ⇒ `[1]` (the token grants
 * nothing); `[]` stays empty (the client set at use time).
 */
export function requestedActionIds(actions: unknown): number[] {
  if (!Array.isArray(actions)) return [NO_PERMISSION_ID];
  const ids = new Set<number>();
  for (const ref of actions) {
    const id = actionId(ref);
    if (id !== undefined) ids.add(id);
  }
  return [...ids].sort((x, y) => x - y);
}

/**
 * The `n`/`dt` claims of `token/create`: ids as strings, `"*"` kept; absent ⇒ null (no access
 * on that axis for networks, docs/api/README.md). Values that are not ids are dropped.
 */
export function requestedScope(ids: unknown): string[] | null {
  if (!Array.isArray(ids)) return null;
  const scope = new Set<string>();
  for (const id of ids) {
    if (id === WILDCARD) scope.add(WILDCARD);
    else if (Number.isSafeInteger(id)) scope.add(String(id));
    else if (typeof id === 'string' && /^\d+$/.test(id.trim())) scope.add(String(Number(id)));
  }
  return [...scope];
}
