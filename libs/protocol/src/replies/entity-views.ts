import type { JsonObject } from '../envelopes/envelopes';
import type { UserRole, UserStatus } from '../principal/principal';

/**
 * Entity views of docs/api/README.md: the field subsets each reply shows. Every listed field is
 * always present; null is serialized as `null` (docs/api/README.md). Timestamps are strings
 * produced by `formatTimestamp` (docs/api/README.md).
 */

/**
 * A timestamp as emitted on the wire: `yyyy-MM-dd'T'HH:mm:ss.SSS`, UTC, no zone
 * (docs/api/README.md).
 */
export type WireTimestamp = string;

/** A network as listed, and inside a user's published view (docs/api/networks.md). */
export interface NetworkView {
  id: number;
  name: string;
  description: string | null;
}

/** A device type as listed (docs/api/device-types.md). */
export type DeviceTypeView = NetworkView;

/** A device inside `network/get` / `devicetype/get` (docs/api/networks.md, docs/api/devices.md). */
export interface DeviceSummaryView {
  id: string;
  name: string;
  data: JsonObject | null;
  isBlocked: boolean;
}

/** `network/get` (docs/api/networks.md). */
export interface NetworkWithDevicesView extends NetworkView {
  devices: DeviceSummaryView[];
}

/** `devicetype/get` (docs/api/device-types.md). */
export type DeviceTypeWithDevicesView = NetworkWithDevicesView;

/**
 * `device/get`, `device/list`: all six fields (docs/api/devices.md; no `status`, unlike the DOC).
 */
export interface DeviceView extends DeviceSummaryView {
  networkId: number;
  deviceTypeId: number;
}

/** `user/list` (docs/api/users.md listed view). */
export interface UserListedView {
  id: number;
  login: string;
  role: UserRole;
  status: UserStatus;
  lastLogin: WireTimestamp | null;
  data: JsonObject | null;
  introReviewed: boolean;
  allDeviceTypesAvailable: boolean;
}

/**
 * `user/get`, `user/getCurrent` (docs/api/users.md published view): the listed view plus networks.
 */
export interface UserPublishedView extends UserListedView {
  networks: NetworkView[];
}

/** `user/insert` reply (docs/api/users.md submitted view): NO login/role/status. */
export interface UserSubmittedView {
  id: number;
  lastLogin: WireTimestamp | null;
  data: JsonObject | null;
  introReviewed: boolean;
  allDeviceTypesAvailable: boolean;
}

/**
 * `command/get`, `command/list` and both command pushes: the 12 public fields
 * (docs/api/commands.md).
 */
export interface DeviceCommandView {
  id: number;
  command: string;
  timestamp: WireTimestamp;
  lastUpdated: WireTimestamp;
  userId: number;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  parameters: JsonObject | null;
  lifetime: number | null;
  status: string | null;
  result: JsonObject | null;
}

/** `command/insert` reply (docs/api/commands.md). */
export interface DeviceCommandInsertedView {
  id: number;
  timestamp: WireTimestamp;
  lastUpdated: WireTimestamp;
  userId: number;
}

/**
 * `notification/get`, `notification/list` and the push: all seven fields
 * (docs/api/notifications.md).
 */
export interface DeviceNotificationView {
  id: number;
  notification: string;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  timestamp: WireTimestamp;
  parameters: JsonObject | null;
}

/** `notification/insert` reply (docs/api/notifications.md). */
export interface DeviceNotificationInsertedView {
  id: number;
  timestamp: WireTimestamp;
}

/**
 * `configuration/get`, `configuration/put` (docs/api/configuration.md); `id` is null right after a
 * creating put.
 */
export interface ConfigurationView {
  id: number | null;
  name: string;
  value: string;
  entityVersion: number;
}

/**
 * A `subscription/list` element (docs/api/subscriptions.md): what the client asked, not the
 * expanded filter; null = not specified.
 */
export interface SubscriptionInfoView {
  subscriptionId: number;
  type: 'command' | 'notification';
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
  timestamp: WireTimestamp | null;
}
