import type { Permission } from '../principal/permissions';

/**
 * Where the action runs:
 * - `gateway`: the gateway answers; the broker only forwards.
 * - `session`: the gateway answers AND the broker applies the outcome to the MQTT session
 *   (`authenticate` replaces the principal, `* /subscribe` registers a subscription).
 * - `broker`: the broker answers from session state alone (`subscription/list`, `* /unsubscribe`).
 */
export type ActionHandling = 'gateway' | 'session' | 'broker';

/** The argument of the docs/api/README.md step-4 target check. */
export type ActionTarget = 'deviceId' | 'networkId' | 'deviceTypeId';

export interface ActionSpec {
  /** Permission required (docs/api/README.md); an array means any one of them; null = none. */
  readonly permission: Permission | readonly Permission[] | null;
  /**
   * False for the five actions that run on an unauthenticated session (docs/api/README.md step 1).
   */
  readonly needsAuth: boolean;
  readonly handling: ActionHandling;
  readonly target?: ActionTarget;
  /**
   * True for the reference server's extra WebSocket actions (docs/api/users.md), not in the MQTT
   * docs.
   */
  readonly extra?: boolean;
}

const open = (): ActionSpec => ({ permission: null, needsAuth: false, handling: 'gateway' });
const guarded = (permission: ActionSpec['permission'], target?: ActionTarget): ActionSpec =>
  target
    ? { permission, needsAuth: true, handling: 'gateway', target }
    : { permission, needsAuth: true, handling: 'gateway' };
const extra = (permission: Permission): ActionSpec => ({ ...guarded(permission), extra: true });

/**
 * Every DeviceHive action (docs/api/README.md): the 48 of the MQTT seed table, `cluster/info`,
 * and the reference's extra WebSocket actions. Wire names are canonical and declared only here.
 */
export const ACTIONS = {
  authenticate: { permission: null, needsAuth: false, handling: 'session' },
  token: open(),
  'token/refresh': open(),
  'token/create': guarded('ManageToken'),
  'server/info': open(),
  'cluster/info': open(),
  'server/cacheInfo': { ...open(), extra: true },

  'configuration/get': guarded('ManageConfiguration'),
  'configuration/put': guarded('ManageConfiguration'),
  'configuration/delete': guarded('ManageConfiguration'),

  'device/get': guarded('GetDevice', 'deviceId'),
  'device/list': guarded('GetDevice'),
  'device/count': guarded('GetDevice'),
  'device/save': guarded('RegisterDevice'),
  'device/delete': guarded('RegisterDevice', 'deviceId'),

  'devicetype/get': guarded('GetDeviceType', 'deviceTypeId'),
  'devicetype/list': guarded('GetDeviceType'),
  'devicetype/count': guarded('GetDeviceType'),
  'devicetype/insert': guarded('ManageDeviceType'),
  'devicetype/update': guarded('ManageDeviceType', 'deviceTypeId'),
  'devicetype/delete': guarded('ManageDeviceType', 'deviceTypeId'),

  'network/get': guarded('GetNetwork', 'networkId'),
  'network/list': guarded('GetNetwork'),
  'network/count': guarded('GetNetwork'),
  'network/insert': guarded('ManageNetwork'),
  'network/update': guarded('ManageNetwork', 'networkId'),
  'network/delete': guarded('ManageNetwork', 'networkId'),

  'user/get': guarded('ManageUser'),
  'user/list': guarded('ManageUser'),
  'user/count': guarded('ManageUser'),
  'user/insert': guarded('ManageUser'),
  'user/update': guarded('ManageUser'),
  'user/delete': guarded('ManageUser'),
  'user/getCurrent': guarded('GetCurrentUser'),
  'user/updateCurrent': guarded('UpdateCurrentUser'),
  'user/getNetwork': guarded('GetNetwork'),
  'user/assignNetwork': guarded('ManageNetwork'),
  'user/unassignNetwork': guarded('ManageNetwork'),
  'user/getDeviceType': extra('GetDeviceType'),
  'user/getDeviceTypes': extra('ManageDeviceType'),
  'user/assignDeviceType': extra('ManageDeviceType'),
  'user/unassignDeviceType': extra('ManageDeviceType'),
  'user/allowAllDeviceTypes': extra('ManageDeviceType'),
  'user/disallowAllDeviceTypes': extra('ManageDeviceType'),

  'command/get': guarded('GetDeviceCommand', 'deviceId'),
  'command/list': guarded('GetDeviceCommand', 'deviceId'),
  'command/insert': guarded('CreateDeviceCommand', 'deviceId'),
  'command/update': guarded('UpdateDeviceCommand', 'deviceId'),
  'command/subscribe': {
    permission: 'GetDeviceCommand',
    needsAuth: true,
    handling: 'session',
    target: 'deviceId',
  },
  'command/unsubscribe': { permission: 'GetDeviceCommand', needsAuth: true, handling: 'broker' },

  'notification/get': guarded('GetDeviceNotification'),
  'notification/list': guarded('GetDeviceNotification'),
  'notification/insert': guarded('CreateDeviceNotification', 'deviceId'),
  'notification/subscribe': {
    permission: 'GetDeviceNotification',
    needsAuth: true,
    handling: 'session',
    target: 'deviceId',
  },
  'notification/unsubscribe': {
    permission: 'GetDeviceNotification',
    needsAuth: true,
    handling: 'broker',
  },

  'subscription/list': {
    permission: ['GetDeviceCommand', 'GetDeviceNotification'],
    needsAuth: true,
    handling: 'broker',
  },
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as readonly ActionName[];

/**
 * Looks an action up by its wire name. Own properties only: `"__proto__"` or `"constructor"`
 * from the wire are unknown actions, not prototype members (docs/reliability.md).
 */
export function findAction(name: string): ActionSpec | undefined {
  return Object.prototype.hasOwnProperty.call(ACTIONS, name)
    ? (ACTIONS as Record<string, ActionSpec>)[name]
    : undefined;
}

export function isActionName(name: unknown): name is ActionName {
  return typeof name === 'string' && findAction(name) !== undefined;
}

/** Actions an anonymous session may send and receive replies of (docs/topics/request.md). */
export const ANONYMOUS_ACTIONS: readonly ActionName[] = [
  'token',
  'token/refresh',
  'authenticate',
  'server/info',
];
