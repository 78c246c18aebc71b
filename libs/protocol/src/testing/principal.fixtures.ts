import { ALL_PERMISSIONS } from '../principal/permissions';
import { UserRole, type Principal } from '../principal/principal';

/**
 * The session principal of the bootstrap admin (user 1) logged in with an all-wildcard token
 * (docs/api/README.md): every permission, no network or device-type limit; or overrides.
 */
export function adminPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 1,
    login: 'dhadmin',
    role: UserRole.Admin,
    permissions: ALL_PERMISSIONS,
    networkIds: '*',
    deviceTypeIds: '*',
    userNetworkIds: '*',
    userDeviceTypeIds: '*',
    ...overrides,
  };
}
