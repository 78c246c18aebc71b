import {
  canSeeDevice,
  DhError,
  inScope,
  UserRole,
  type ActionTarget,
  type IdScope,
  type Principal,
} from '@dh-mqtt/protocol';
import { findDeviceById, type DeviceRecord } from '../repositories/device.repository';
import type { SqlClient } from '../storage/sql-client.port';
import type { ActionContext } from './action';
import type { DeviceReader } from './device-lookups';
import { parseId } from './request-fields';

export type { DeviceRecord } from '../repositories/device.repository';

/**
 * The device with that id (networkId/deviceTypeId as numbers), or null when there is none; through
 * the core's `devices` reader when given (the cache's records are frozen and shared). No
 * visibility check: callers decide (checkTarget, handlers).
 */
export function findDevice(
  sql: SqlClient,
  deviceId: string,
  devices?: DeviceReader | null,
): Promise<DeviceRecord | null> {
  return devices ? devices.find(sql, deviceId) : findDeviceById(sql, deviceId);
}

/**
 * `device` when the principal may see it (docs/api/README.md); a missing or invisible device is
 * 404 `DEVICE_NOT_FOUND`, like the reference's `findByIdWithPermissionsCheck`.
 */
export function visibleOrNotFound(
  principal: Principal,
  deviceId: string,
  device: DeviceRecord | null,
): DeviceRecord {
  if (device == null || !canSeeDevice(principal, device)) {
    throw new DhError('DEVICE_NOT_FOUND', deviceId);
  }
  return device;
}

/**
 * The device, if the principal may see it, else 404: the one the target check loaded, or through
 * the core's device reader. Restricted tokens already got 403 from the target check
 * (docs/api/README.md step 4).
 */
export async function requireVisibleDevice(
  ctx: ActionContext,
  deviceId: string,
): Promise<DeviceRecord> {
  const principal = requirePrincipal(ctx);
  const checked = ctx.checkedDevice;
  const device =
    checked?.id === deviceId ? checked : await findDevice(ctx.sql, deviceId, ctx.devices);
  return visibleOrNotFound(principal, deviceId, device);
}

/**
 * The session principal; 401 `Unauthorized` for an anonymous session (docs/api/README.md step 2).
 */
export function requirePrincipal(ctx: ActionContext): Principal {
  if (ctx.principal == null) throw new DhError('DH_ERR_UNAUTHORIZED');
  return ctx.principal;
}

function bothWildcards(principal: Principal): boolean {
  return principal.networkIds === '*' && principal.deviceTypeIds === '*';
}

/**
 * The target check of docs/api/README.md step 4, run before the action for actions whose
 * catalogue entry names a target:
 * - `networkId` / `deviceTypeId`: unless the token is a wildcard on that axis, the id must be in
 *   the token's list;
 * - `deviceId`: a token with both wildcards passes; otherwise the device must exist and be visible
 *   (docs/api/README.md), so a nonexistent device is a 403 here and a 404 in the handler for
 *   wildcard tokens;
 * - absent target value (or no target): passes; the handler reports the missing id.
 * Rejects with 403 `Access is denied`, or 401 for an anonymous session. A device it loads is kept
 * in `ctx.checkedDevice` for the action.
 */
export async function checkTarget(
  ctx: ActionContext,
  target: ActionTarget | null | undefined,
  request: object,
): Promise<void> {
  if (target == null) return;
  const principal = requirePrincipal(ctx);
  const value = (request as Partial<Record<ActionTarget, unknown>>)[target];
  if (value == null) return;
  if (target === 'deviceId') {
    if (bothWildcards(principal)) return;
    const device = typeof value === 'string' ? await findDevice(ctx.sql, value, ctx.devices) : null;
    if (device == null || !canSeeDevice(principal, device)) {
      throw new DhError('DH_ERR_ACCESS_DENIED');
    }
    ctx.checkedDevice = device;
    return;
  }
  const scope = target === 'networkId' ? principal.networkIds : principal.deviceTypeIds;
  if (scope === '*') return;
  const id = parseId(value);
  if (id == null || !scope.includes(id)) throw new DhError('DH_ERR_ACCESS_DENIED');
}

/** Intersection of two id scopes (`'*'` is the neutral element). */
export function intersectScopes(a: IdScope, b: IdScope): IdScope {
  if (a === '*') return b;
  if (b === '*') return a;
  return a.filter((id) => b.includes(id));
}

/**
 * Networks the principal may see (docs/api/README.md): the token's `n`, and for CLIENT users only
 * the networks assigned to them (as captured in the principal at authentication).
 */
export function visibleNetworkIds(principal: Principal): IdScope {
  return principal.role === UserRole.Admin
    ? principal.networkIds
    : intersectScopes(principal.networkIds, principal.userNetworkIds);
}

/**
 * Device types the principal may see (docs/api/README.md): the token's `dt`, and for CLIENT users
 * the assigned types unless the user may use all of them.
 */
export function visibleDeviceTypeIds(principal: Principal): IdScope {
  return principal.role === UserRole.Admin
    ? principal.deviceTypeIds
    : intersectScopes(principal.deviceTypeIds, principal.userDeviceTypeIds);
}

/**
 * Scopes a device must fall into to be visible (docs/api/README.md): its network visible to the
 * principal, its type in the token's `dt` (the user's device-type assignment is not checked for
 * devices).
 */
export function visibleDeviceScopes(principal: Principal): {
  networkIds: IdScope;
  deviceTypeIds: IdScope;
} {
  return { networkIds: visibleNetworkIds(principal), deviceTypeIds: principal.deviceTypeIds };
}

/**
 * Whether a scope grants nothing at all (`device/list` etc. answer `[]` early, docs/api/README.md).
 */
export function isEmptyScope(scope: IdScope): boolean {
  return scope !== '*' && scope.length === 0;
}

/** Whether the principal may see a network, by id (docs/api/README.md). */
export function canSeeNetworkId(principal: Principal, networkId: number): boolean {
  return inScope(visibleNetworkIds(principal), networkId);
}
