import { isDhError } from '../errors/error-catalog';
import { ALL_PERMISSIONS, Permission } from '../principal/permissions';
import { UserRole, type Principal } from '../principal/principal';
import { ACTIONS, type ActionName } from './action-catalog';
import { checkAccess } from './check-access';

function principalWith(permissions: readonly Permission[]): Principal {
  return {
    userId: 7,
    login: 'someone',
    role: UserRole.Client,
    permissions,
    networkIds: '*',
    deviceTypeIds: '*',
    userNetworkIds: '*',
    userDeviceTypeIds: '*',
  };
}

/** The reply a user would see: `ok`, or the error's status and text. */
function outcome(action: ActionName, principal: Principal | null): string {
  try {
    checkAccess(ACTIONS[action], principal);
    return 'ok';
  } catch (error) {
    if (isDhError(error)) return `${error.status} ${error.message}`;
    throw error;
  }
}

describe(checkAccess.name, () => {
  const none = principalWith([]);
  const notifications = principalWith([Permission.GetDeviceNotification]);
  const admin = principalWith(ALL_PERMISSIONS);

  it.each<[ActionName, Principal | null, string]>([
    ['token', null, 'ok'],
    ['authenticate', null, 'ok'],
    ['server/info', none, 'ok'],
    ['device/list', null, '401 Unauthorized'],
    ['subscription/list', null, '401 Unauthorized'],
    ['device/list', none, '403 Access is denied'],
    ['device/list', notifications, '403 Access is denied'],
    ['device/list', admin, 'ok'],
    ['command/unsubscribe', notifications, '403 Access is denied'],
    ['notification/unsubscribe', notifications, 'ok'],
    ['subscription/list', none, '403 Access is denied'],
    ['subscription/list', notifications, 'ok'],
  ])('%s for %j answers %s', (action, principal, expected) => {
    expect(outcome(action, principal)).toBe(expected);
  });
});
