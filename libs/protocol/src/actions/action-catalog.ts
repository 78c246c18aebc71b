import type { SubscriptionType } from '../events/device-event';
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

/**
 * What one run of the action may change in storage. Running an action twice is harmless unless it
 * changes something, and the device cache must forget what it holds after anything that may touch
 * a device row (or the networks and device types devices cascade from):
 * - `nothing`: a read, or a write harmless to repeat (`token/refresh` sets lastLogin). Never
 *   claims the request ledger; keeps the device cache.
 * - `not-devices`: writes, but never devices (logins, commands, notifications). Claims the
 *   ledger; keeps the device cache.
 * - `anything`: may change devices. Claims the ledger; empties the device cache when it ends.
 */
export type ActionWrites = 'nothing' | 'not-devices' | 'anything';

/** A request-made subscription action: the event type and whether it adds or ends one. */
export interface ActionSubscription {
  readonly type: SubscriptionType;
  readonly op: 'subscribe' | 'unsubscribe';
}

export interface ActionSpec {
  /** Permission required (docs/api/README.md); an array means any one of them; null = none. */
  readonly permission: Permission | readonly Permission[] | null;
  /**
   * False for the five actions that run on an unauthenticated session (docs/api/README.md step 1).
   */
  readonly needsAuth: boolean;
  readonly handling: ActionHandling;
  readonly writes: ActionWrites;
  readonly target?: ActionTarget;
  /** `* /subscribe` and `* /unsubscribe` (docs/api/subscriptions.md). */
  readonly subscription?: ActionSubscription;
  /**
   * True when a client's request of this action may be handed on before its earlier requests are
   * answered (docs/adr/0017-pipelined-requests.md): the broker forwards it at once if every earlier
   * request still waiting is `pipelined` too, and the gateway starts it once the request before it
   * has ordered its effects (`sequenced`). Replies still leave in publish order. Only for actions
   * that change nothing the next request's checks read (no principal, no subscription, no device).
   */
  readonly pipelined?: boolean;
  /**
   * True for the reference server's extra WebSocket actions (docs/api/users.md), not in the MQTT
   * docs.
   */
  readonly extra?: boolean;
}

/** Runs on any session (docs/api/README.md step 1). */
const open = (writes: ActionWrites): ActionSpec => ({
  permission: null,
  needsAuth: false,
  handling: 'gateway',
  writes,
});
/** Needs an authenticated session holding `permission`, and passes the `target` check if any. */
const guarded = (
  permission: ActionSpec['permission'],
  writes: ActionWrites,
  target?: ActionTarget,
): ActionSpec => ({
  permission,
  needsAuth: true,
  handling: 'gateway',
  writes,
  ...(target ? { target } : {}),
});
const extra = (permission: Permission, writes: ActionWrites): ActionSpec => ({
  ...guarded(permission, writes),
  extra: true,
});
const subscribe = (type: SubscriptionType, permission: Permission): ActionSpec => ({
  permission,
  needsAuth: true,
  handling: 'session',
  writes: 'nothing',
  target: 'deviceId',
  subscription: { type, op: 'subscribe' },
});
const unsubscribe = (type: SubscriptionType, permission: Permission): ActionSpec => ({
  permission,
  needsAuth: true,
  handling: 'broker',
  writes: 'not-devices',
  subscription: { type, op: 'unsubscribe' },
});

/**
 * Every DeviceHive action (docs/api/README.md): the 48 of the MQTT seed table, `cluster/info`,
 * and the reference's extra WebSocket actions. Wire names are canonical and declared only here,
 * with every fact the code needs about an action: permission, authentication, where it runs,
 * what it writes, its target check and the subscription it makes or ends. Its request DTO is in
 * `REQUEST_DTOS` (dto/request-dtos.ts), its implementation in `@dh-mqtt/devicehive`.
 */
export const ACTIONS = {
  authenticate: { permission: null, needsAuth: false, handling: 'session', writes: 'nothing' },
  token: open('not-devices'),
  'token/refresh': open('nothing'),
  'token/create': guarded('ManageToken', 'nothing'),
  'server/info': open('nothing'),
  'cluster/info': open('nothing'),
  'server/cacheInfo': { ...open('nothing'), extra: true },

  'configuration/get': guarded('ManageConfiguration', 'nothing'),
  'configuration/put': guarded('ManageConfiguration', 'anything'),
  'configuration/delete': guarded('ManageConfiguration', 'anything'),

  'device/get': guarded('GetDevice', 'nothing', 'deviceId'),
  'device/list': guarded('GetDevice', 'nothing'),
  'device/count': guarded('GetDevice', 'nothing'),
  'device/save': guarded('RegisterDevice', 'anything'),
  'device/delete': guarded('RegisterDevice', 'anything', 'deviceId'),

  'devicetype/get': guarded('GetDeviceType', 'nothing', 'deviceTypeId'),
  'devicetype/list': guarded('GetDeviceType', 'nothing'),
  'devicetype/count': guarded('GetDeviceType', 'nothing'),
  'devicetype/insert': guarded('ManageDeviceType', 'anything'),
  'devicetype/update': guarded('ManageDeviceType', 'anything', 'deviceTypeId'),
  'devicetype/delete': guarded('ManageDeviceType', 'anything', 'deviceTypeId'),

  'network/get': guarded('GetNetwork', 'nothing', 'networkId'),
  'network/list': guarded('GetNetwork', 'nothing'),
  'network/count': guarded('GetNetwork', 'nothing'),
  'network/insert': guarded('ManageNetwork', 'anything'),
  'network/update': guarded('ManageNetwork', 'anything', 'networkId'),
  'network/delete': guarded('ManageNetwork', 'anything', 'networkId'),

  'user/get': guarded('ManageUser', 'nothing'),
  'user/list': guarded('ManageUser', 'nothing'),
  'user/count': guarded('ManageUser', 'nothing'),
  'user/insert': guarded('ManageUser', 'anything'),
  'user/update': guarded('ManageUser', 'anything'),
  'user/delete': guarded('ManageUser', 'anything'),
  'user/getCurrent': guarded('GetCurrentUser', 'nothing'),
  'user/updateCurrent': guarded('UpdateCurrentUser', 'anything'),
  'user/getNetwork': guarded('GetNetwork', 'nothing'),
  'user/assignNetwork': guarded('ManageNetwork', 'anything'),
  'user/unassignNetwork': guarded('ManageNetwork', 'anything'),
  'user/getDeviceType': extra('GetDeviceType', 'nothing'),
  'user/getDeviceTypes': extra('ManageDeviceType', 'nothing'),
  'user/assignDeviceType': extra('ManageDeviceType', 'anything'),
  'user/unassignDeviceType': extra('ManageDeviceType', 'anything'),
  'user/allowAllDeviceTypes': extra('ManageDeviceType', 'anything'),
  'user/disallowAllDeviceTypes': extra('ManageDeviceType', 'anything'),

  'command/get': guarded('GetDeviceCommand', 'nothing', 'deviceId'),
  'command/list': guarded('GetDeviceCommand', 'nothing', 'deviceId'),
  'command/insert': guarded('CreateDeviceCommand', 'not-devices', 'deviceId'),
  'command/update': guarded('UpdateDeviceCommand', 'not-devices', 'deviceId'),
  'command/subscribe': subscribe('command', 'GetDeviceCommand'),
  'command/unsubscribe': unsubscribe('command', 'GetDeviceCommand'),

  'notification/get': guarded('GetDeviceNotification', 'nothing'),
  'notification/list': guarded('GetDeviceNotification', 'nothing'),
  'notification/insert': {
    ...guarded('CreateDeviceNotification', 'not-devices', 'deviceId'),
    pipelined: true,
  },
  'notification/subscribe': subscribe('notification', 'GetDeviceNotification'),
  'notification/unsubscribe': unsubscribe('notification', 'GetDeviceNotification'),

  'subscription/list': {
    permission: ['GetDeviceCommand', 'GetDeviceNotification'],
    needsAuth: true,
    handling: 'broker',
    writes: 'nothing',
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

/**
 * Whether `name` is a subscribe action (`* /subscribe`): its success registers a request-made
 * subscription on the session (docs/api/subscriptions.md).
 */
export function isSubscribeAction(name: string): boolean {
  return findAction(name)?.subscription?.op === 'subscribe';
}

/** What the action may change in storage (`ActionWrites`). */
export function writesOf(action: ActionName): ActionWrites {
  return (ACTIONS as Record<ActionName, ActionSpec>)[action].writes;
}

/** Whether a request of `action` may be pipelined (`ActionSpec.pipelined`); unknown → false. */
export function isPipelined(action: unknown): boolean {
  return typeof action === 'string' && findAction(action)?.pipelined === true;
}

const SUBSCRIPTION_PERMISSIONS = new Map<SubscriptionType, Permission>();
for (const name of ACTION_NAMES) {
  const spec: ActionSpec = ACTIONS[name];
  if (spec.subscription?.op === 'subscribe') {
    SUBSCRIPTION_PERMISSIONS.set(spec.subscription.type, spec.permission as Permission);
  }
}

/**
 * The permission a session needs to hold subscriptions of `type` and to see them listed: the one
 * of that type's subscribe action (docs/api/subscriptions.md).
 */
export function subscriptionPermission(type: SubscriptionType): Permission {
  const permission = SUBSCRIPTION_PERMISSIONS.get(type);
  if (permission === undefined) throw new Error(`no subscribe action for ${String(type)}`);
  return permission;
}
