import type { ActionName } from '../actions/action-catalog';
import type {
  ConfigurationView,
  DeviceCommandInsertedView,
  DeviceCommandView,
  DeviceNotificationInsertedView,
  DeviceNotificationView,
  DeviceTypeView,
  DeviceTypeWithDevicesView,
  DeviceView,
  NetworkView,
  NetworkWithDevicesView,
  SubscriptionInfoView,
  UserListedView,
  UserPublishedView,
  UserSubmittedView,
  WireTimestamp,
} from './entity-views';

/**
 * A success body without fields: the reply is just action, requestId, status (docs/api/README.md).
 */
export type EmptyReply = Record<string, never>;

export interface TokenPairReply {
  accessToken: string;
  refreshToken: string;
}

export interface CountReply {
  count: number;
}

export interface SubscribeReply {
  subscriptionId: number;
}

/**
 * The success body of every action, beside `action`, `requestId` and `status`
 * (docs/api/README.md). Keyed by wire name; the compiler checks it covers `ACTIONS`.
 */
export interface ActionReplies {
  authenticate: EmptyReply;
  token: TokenPairReply;
  'token/refresh': { accessToken: string };
  'token/create': TokenPairReply;
  'server/info': {
    info: { apiVersion: string; serverTimestamp: WireTimestamp; restServerUrl: string | null };
  };
  'cluster/info': { clusterInfo: Record<string, string> };
  'server/cacheInfo': {
    cacheInfo: { serverTimestamp: WireTimestamp; cacheStats: Record<string, unknown> };
  };

  'configuration/get': { configuration: ConfigurationView };
  'configuration/put': { configuration: ConfigurationView };
  'configuration/delete': EmptyReply;

  'device/get': { device: DeviceView };
  'device/list': { devices: DeviceView[] };
  'device/count': CountReply;
  'device/save': EmptyReply;
  'device/delete': EmptyReply;

  'devicetype/get': { deviceType: DeviceTypeWithDevicesView };
  'devicetype/list': { deviceTypes: DeviceTypeView[] };
  'devicetype/count': CountReply;
  'devicetype/insert': { deviceType: { id: number } };
  'devicetype/update': EmptyReply;
  'devicetype/delete': EmptyReply;

  'network/get': { network: NetworkWithDevicesView };
  'network/list': { networks: NetworkView[] };
  'network/count': CountReply;
  'network/insert': { network: { id: number } };
  'network/update': EmptyReply;
  'network/delete': EmptyReply;

  'user/get': { user: UserPublishedView };
  'user/list': { users: UserListedView[] };
  'user/count': CountReply;
  'user/insert': { user: UserSubmittedView };
  'user/update': EmptyReply;
  'user/delete': EmptyReply;
  /** The key is `current` (docs/api/users.md, discrepancy 3). */
  'user/getCurrent': { current: UserPublishedView };
  'user/updateCurrent': EmptyReply;
  /** Double nesting in CODE; the MQTT tests assert `network.network.id` (docs/api/users.md). */
  'user/getNetwork': { network: { network: NetworkView } };
  'user/assignNetwork': EmptyReply;
  'user/unassignNetwork': EmptyReply;
  'user/getDeviceType': { deviceType: { deviceType: DeviceTypeView } };
  'user/getDeviceTypes': { deviceTypes: DeviceTypeView[] };
  'user/assignDeviceType': EmptyReply;
  'user/unassignDeviceType': EmptyReply;
  'user/allowAllDeviceTypes': EmptyReply;
  'user/disallowAllDeviceTypes': EmptyReply;

  'command/get': { command: DeviceCommandView };
  'command/list': { commands: DeviceCommandView[] };
  'command/insert': { command: DeviceCommandInsertedView };
  'command/update': EmptyReply;
  'command/subscribe': SubscribeReply;
  'command/unsubscribe': EmptyReply;

  'notification/get': { notification: DeviceNotificationView };
  'notification/list': { notifications: DeviceNotificationView[] };
  'notification/insert': { notification: DeviceNotificationInsertedView };
  'notification/subscribe': SubscribeReply;
  'notification/unsubscribe': EmptyReply;

  'subscription/list': { subscriptions: SubscriptionInfoView[] };
}

/** Fails to compile when an action of `ACTIONS` has no reply shape, or a shape has no action. */
type Exhaustive<T extends Record<ActionName, unknown>> = keyof T extends ActionName ? T : never;

/** The success body of action `A`. */
export type ActionReply<A extends ActionName> = Exhaustive<ActionReplies>[A];
