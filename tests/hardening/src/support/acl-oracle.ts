// The ACL proof's oracle: who may see what, computed from the setup alone with the rules of
// docs/api/README.md, docs/api/subscriptions.md and docs/topics/README.md,
// docs/topics/notification.md. Deliberately written from the spec and not imported from the product
// (libs/protocol), so a shared bug cannot hide itself.

/** `'*'` = unrestricted on that axis; otherwise the ids. */
export type Scope = '*' | readonly number[];

/** The client permission set of docs/api/README.md (ids 2–11, 15–17). */
export const CLIENT_ACTIONS = [
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
] as const;
/** Every known action (docs/api/README.md ids 2–18). */
export const ALL_ACTIONS = [
  ...CLIENT_ACTIONS,
  'ManageUser',
  'ManageConfiguration',
  'ManageNetwork',
  'ManageDeviceType',
] as const;

/** A user as the setup created it. */
export interface OracleUser {
  role: 'admin' | 'client';
  /** CLIENT only: networks assigned with `user/assignNetwork`. */
  networks: readonly number[];
  allDeviceTypesAvailable: boolean;
  /** With allDeviceTypesAvailable=false: types assigned with `user/assignDeviceType`. */
  deviceTypes: readonly number[];
}

/** The claims of the access token a session authenticated with (docs/api/README.md). */
export interface OracleToken {
  /** Action names; `'*'` = all; `'client'` = the `[]` claim (client set at use time). */
  actions: '*' | 'client' | readonly string[];
  /** `n` claim; null = absent (no network access, docs/api/README.md). */
  networks: Scope | null;
  /** `dt` claim; null = absent. */
  deviceTypes: Scope | null;
}

/** A principal of the matrix: null user = anonymous. */
export interface OraclePrincipal {
  user: OracleUser | null;
  token: OracleToken | null;
}

export interface OracleDevice {
  id: string;
  networkId: number;
  deviceTypeId: number;
}

/** The world the oracle reasons about: every network and device type that exists. */
export interface OracleWorld {
  networks: readonly number[];
  deviceTypes: readonly number[];
}

/** docs/api/README.md: the token `token` (login) issues for a user. */
export function loginToken(user: OracleUser): OracleToken {
  if (user.role === 'admin') return { actions: '*', networks: '*', deviceTypes: '*' };
  return {
    actions: 'client',
    networks: [...user.networks],
    deviceTypes: user.allDeviceTypesAvailable ? '*' : [...user.deviceTypes],
  };
}

const inScope = (scope: Scope, id: number) => scope === '*' || scope.includes(id);

/** docs/api/README.md: the permissions a token grants. */
export function hasAction(p: OraclePrincipal, action: string): boolean {
  if (!p.user || !p.token) return false;
  const { actions } = p.token;
  if (actions === '*') return true;
  if (actions === 'client') return (CLIENT_ACTIONS as readonly string[]).includes(action);
  return actions.some((a) => a.toLowerCase() === action.toLowerCase());
}

/** docs/api/README.md: network scope of the token (`n` absent ⇒ none). */
function tokenNetworks(token: OracleToken): Scope {
  return token.networks ?? [];
}

/**
 * docs/api/README.md: device types start as all; a user without allDeviceTypesAvailable is
 * restricted; then `"*"` in `dt` or the user flag ⇒ all, else the listed ids; `dt` absent ⇒ what
 * the flag decided.
 */
function tokenDeviceTypes(user: OracleUser, token: OracleToken): Scope {
  if (token.deviceTypes === null) return user.allDeviceTypesAvailable ? '*' : [];
  if (token.deviceTypes === '*' || user.allDeviceTypesAvailable) return '*';
  return token.deviceTypes;
}

/**
 * docs/api/README.md devices: token `n` and `dt`, plus the user's network assignment for CLIENT
 * users.
 */
export function canSeeDevice(p: OraclePrincipal, device: OracleDevice): boolean {
  const { user, token } = p;
  if (!user || !token) return false;
  return (
    inScope(tokenNetworks(token), device.networkId) &&
    inScope(tokenDeviceTypes(user, token), device.deviceTypeId) &&
    (user.role === 'admin' || user.networks.includes(device.networkId))
  );
}

/** docs/api/README.md networks: assigned (CLIENT) ∩ token `n`. */
export function visibleNetworks(p: OraclePrincipal, world: OracleWorld): number[] {
  const { user, token } = p;
  if (!user || !token) return [];
  return world.networks.filter(
    (id) =>
      inScope(tokenNetworks(token), id) && (user.role === 'admin' || user.networks.includes(id)),
  );
}

/** docs/api/README.md device types: (all, or assigned when restricted) ∩ token `dt`. */
export function visibleDeviceTypes(p: OraclePrincipal, world: OracleWorld): number[] {
  const { user, token } = p;
  if (!user || !token) return [];
  const assigned: Scope =
    user.role === 'admin' || user.allDeviceTypesAvailable ? '*' : user.deviceTypes;
  return world.deviceTypes.filter(
    (id) => inScope(tokenDeviceTypes(user, token), id) && inScope(assigned, id),
  );
}

/** The three event kinds, named as their topic's second level (docs/topics/README.md). */
export type EventKind = 'notification' | 'command' | 'command_update';

/** One event the traffic created (the product acknowledged the insert or update). */
export interface OracleEvent {
  marker: string;
  kind: EventKind;
  device: OracleDevice;
  name: string;
  /** Client id of the connection that inserted the command (command and command_update). */
  commandOrigin: string | null;
}

/** docs/topics/notification.md: permission for the kind, and device visibility. Anonymous never. */
export function mayReceive(p: OraclePrincipal, event: OracleEvent): boolean {
  const permission = event.kind === 'notification' ? 'GetDeviceNotification' : 'GetDeviceCommand';
  return hasAction(p, permission) && canSeeDevice(p, event.device);
}

export function eventTopic(event: OracleEvent): string {
  const { networkId, deviceTypeId, id } = event.device;
  return `dh/${event.kind}/${networkId}/${deviceTypeId}/${id}/${event.name}`;
}

/** MQTT 3.1.1 §4.7 filter matching (no `$` topics here). */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Whether one MQTT connection must get the event through its granted filters
 * (docs/topics/notification.md): a filter matches, the principal may see it, and a command update
 * only on the connection that inserted the command.
 */
export function filterDeliveryRequired(
  p: OraclePrincipal,
  clientId: string,
  granted: readonly string[],
  event: OracleEvent,
): boolean {
  if (!mayReceive(p, event)) return false;
  if (event.kind === 'command_update' && event.commandOrigin !== clientId) return false;
  return granted.some((filter) => filterMatches(filter, eventTopic(event)));
}

/**
 * A request-made subscription as it was requested (docs/api/commands.md,
 * docs/api/notifications.md).
 */
export interface OracleSubscription {
  action: 'notification/subscribe' | 'command/subscribe';
  deviceId?: string;
  networkIds?: number[];
  deviceTypeIds?: number[];
  names?: string[];
  returnUpdatedCommands?: boolean;
}

/**
 * Whether a request-made subscription must push the event (docs/api/subscriptions.md): the kind it
 * asked for (`returnUpdatedCommands` ⇒ updates instead of inserts, docs/api/commands.md), its
 * filter expanded with the token's scopes (a wildcard axis ⇒ what is visible at subscribe time),
 * and visibility.
 */
export function subscriptionDeliveryRequired(
  p: OraclePrincipal,
  world: OracleWorld,
  subscription: OracleSubscription,
  devices: readonly OracleDevice[],
  event: OracleEvent,
): boolean {
  if (!mayReceive(p, event)) return false;
  const wanted: EventKind =
    subscription.action === 'notification/subscribe'
      ? 'notification'
      : subscription.returnUpdatedCommands
        ? 'command_update'
        : 'command';
  if (event.kind !== wanted) return false;
  if (subscription.names && !subscription.names.includes(event.name)) return false;
  if (subscription.deviceId !== undefined) {
    const device = devices.find((d) => d.id === subscription.deviceId);
    return device !== undefined && device.id === event.device.id;
  }
  const { networks, deviceTypes } = expandedScopes(p, world, subscription);
  return (
    inScope(networks, event.device.networkId) && inScope(deviceTypes, event.device.deviceTypeId)
  );
}

function expandedScopes(
  p: OraclePrincipal,
  world: OracleWorld,
  subscription: OracleSubscription,
): { networks: Scope; deviceTypes: Scope } {
  const token = p.token as OracleToken;
  const user = p.user as OracleUser;
  const n = tokenNetworks(token);
  const dt = tokenDeviceTypes(user, token);
  if (!subscription.networkIds && !subscription.deviceTypeIds && n === '*' && dt === '*') {
    return { networks: '*', deviceTypes: '*' };
  }
  return {
    networks: subscription.networkIds ?? (n === '*' ? visibleNetworks(p, world) : n),
    deviceTypes: subscription.deviceTypeIds ?? (dt === '*' ? visibleDeviceTypes(p, world) : dt),
  };
}

/**
 * Whether a refused subscription request is a legitimate refusal: it names a device, network or
 * device type the principal cannot see, or nothing could ever be pushed to it.
 */
export function subscriptionMayBeRefused(
  p: OraclePrincipal,
  world: OracleWorld,
  subscription: OracleSubscription,
  devices: readonly OracleDevice[],
): boolean {
  const permission =
    subscription.action === 'notification/subscribe' ? 'GetDeviceNotification' : 'GetDeviceCommand';
  if (!hasAction(p, permission)) return true;
  const nets = visibleNetworks(p, world);
  const types = visibleDeviceTypes(p, world);
  if (nets.length === 0 || types.length === 0) return true;
  if (subscription.networkIds?.some((id) => !nets.includes(id))) return true;
  if (subscription.deviceTypeIds?.some((id) => !types.includes(id))) return true;
  if (subscription.deviceId !== undefined) {
    const device = devices.find((d) => d.id === subscription.deviceId);
    if (!device || !canSeeDevice(p, device)) return true;
  }
  return false;
}
