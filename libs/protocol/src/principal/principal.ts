import type { Permission } from './permissions';

/** User roles (docs/api/README.md). */
export const UserRole = { Admin: 0, Client: 1 } as const;
export type UserRole = (typeof UserRole)[keyof typeof UserRole];

/** User statuses (docs/api/README.md). Only ACTIVE users may log in or authenticate. */
export const UserStatus = { Active: 0, LockedOut: 1, Disabled: 2 } as const;
export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];

/** `'*'` = unrestricted on that axis (JWT wildcard); otherwise the ids allowed. */
export type IdScope = '*' | readonly number[];

/**
 * The rights of an authenticated session, fixed when it authenticates (docs/api/README.md,
 * docs/api/README.md). Plain JSON: it crosses the broker↔gateway bus inside every request envelope,
 * and the broker checks pushes against it without calling the backend
 * (docs/topics/notification.md).
 */
export interface Principal {
  userId: number;
  login: string;
  role: UserRole;
  /** Permissions granted by the token (after resolving `a`: 0 = all, [] = client set). */
  permissions: readonly Permission[];
  /** Token network scope (`n` claim). */
  networkIds: IdScope;
  /** Token device-type scope (`dt` claim combined with the user's allDeviceTypesAvailable). */
  deviceTypeIds: IdScope;
  /**
   * CLIENT role only: networks assigned to the user at authentication time (docs/api/README.md
   * visibility). `'*'` for ADMIN users.
   */
  userNetworkIds: IdScope;
  /** CLIENT role only: device types assigned to the user, `'*'` when allDeviceTypesAvailable. */
  userDeviceTypeIds: IdScope;
  /**
   * Remote backend only (docs/adr/0014): the session's access token on the remote DeviceHive
   * server, sent with each of its requests. A secret: never logged (the logger redacts the
   * field name), never in a reply, a push, `/metrics` or `$SYS`.
   */
  accessToken?: string;
  /** Remote backend only: the refresh token of a password login, to renew `accessToken`. */
  refreshToken?: string;
}

export function inScope(scope: IdScope, id: number): boolean {
  return scope === '*' || scope.includes(id);
}

export function hasPermission(principal: Principal | null, permission: Permission): boolean {
  return principal != null && principal.permissions.includes(permission);
}

/**
 * Whether the principal may see a device of that network and device type: the token's `n`/`dt`
 * scopes and, for CLIENT users, the user's network assignment (docs/api/README.md).
 */
export function canSeeDevice(
  principal: Principal,
  device: { networkId: number; deviceTypeId: number },
): boolean {
  return (
    inScope(principal.networkIds, device.networkId) &&
    inScope(principal.deviceTypeIds, device.deviceTypeId) &&
    (principal.role === UserRole.Admin || inScope(principal.userNetworkIds, device.networkId))
  );
}

export function canSeeNetwork(principal: Principal, networkId: number): boolean {
  return (
    inScope(principal.networkIds, networkId) &&
    (principal.role === UserRole.Admin || inScope(principal.userNetworkIds, networkId))
  );
}

export function canSeeDeviceType(principal: Principal, deviceTypeId: number): boolean {
  return (
    inScope(principal.deviceTypeIds, deviceTypeId) &&
    (principal.role === UserRole.Admin || inScope(principal.userDeviceTypeIds, deviceTypeId))
  );
}
