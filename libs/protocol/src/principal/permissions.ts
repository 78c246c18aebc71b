/**
 * DeviceHive permissions ("HiveAction", docs/api/README.md): the names carried by
 * `token/create` and the numeric ids carried in a JWT's `a` claim.
 */
export const Permission = {
  GetNetwork: 'GetNetwork',
  GetDevice: 'GetDevice',
  GetDeviceNotification: 'GetDeviceNotification',
  GetDeviceCommand: 'GetDeviceCommand',
  RegisterDevice: 'RegisterDevice',
  CreateDeviceCommand: 'CreateDeviceCommand',
  UpdateDeviceCommand: 'UpdateDeviceCommand',
  CreateDeviceNotification: 'CreateDeviceNotification',
  GetCurrentUser: 'GetCurrentUser',
  UpdateCurrentUser: 'UpdateCurrentUser',
  ManageUser: 'ManageUser',
  ManageConfiguration: 'ManageConfiguration',
  ManageNetwork: 'ManageNetwork',
  ManageToken: 'ManageToken',
  ManagePlugin: 'ManagePlugin',
  GetDeviceType: 'GetDeviceType',
  ManageDeviceType: 'ManageDeviceType',
} as const;

export type Permission = (typeof Permission)[keyof typeof Permission];

/** JWT `a` claim ids (docs/api/README.md). 0 = every known action, 1 = nothing. */
export const PERMISSION_IDS: Readonly<Record<Permission, number>> = {
  GetNetwork: 2,
  GetDevice: 3,
  GetDeviceNotification: 4,
  GetDeviceCommand: 5,
  RegisterDevice: 6,
  CreateDeviceCommand: 7,
  UpdateDeviceCommand: 8,
  CreateDeviceNotification: 9,
  GetCurrentUser: 10,
  UpdateCurrentUser: 11,
  ManageUser: 12,
  ManageConfiguration: 13,
  ManageNetwork: 14,
  ManageToken: 15,
  ManagePlugin: 16,
  GetDeviceType: 17,
  ManageDeviceType: 18,
};

export const ANY_PERMISSION_ID = 0;
export const NO_PERMISSION_ID = 1;

/** Permissions of the CLIENT set, granted to a CLIENT user's login token (docs/api/README.md). */
export const CLIENT_PERMISSIONS: readonly Permission[] = [
  'GetNetwork',
  'GetDevice',
  'GetDeviceNotification',
  'GetDeviceCommand',
  'RegisterDevice',
  'CreateDeviceCommand',
  'UpdateDeviceCommand',
  'CreateDeviceNotification',
  'GetCurrentUser',
  'UpdateCurrentUser',
  'ManageToken',
  'ManagePlugin',
  'GetDeviceType',
];

export const ADMIN_ONLY_PERMISSIONS: readonly Permission[] = [
  'ManageUser',
  'ManageConfiguration',
  'ManageNetwork',
  'ManageDeviceType',
];

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

const BY_ID = new Map<number, Permission>(
  Object.entries(PERMISSION_IDS).map(([name, id]) => [id, name as Permission]),
);
const BY_LOWER_NAME = new Map<string, Permission>(
  ALL_PERMISSIONS.map((name) => [name.toLowerCase(), name]),
);

/** The permission with that JWT id, or undefined (0 and 1 are not single permissions). */
export function permissionById(id: number): Permission | undefined {
  return BY_ID.get(id);
}

/** `token/create` accepts names case-insensitively (docs/api/README.md); undefined when unknown. */
export function permissionByName(name: string): Permission | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
