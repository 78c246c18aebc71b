import type { JsonObject } from '../envelopes/envelopes';
import type { UserRole, UserStatus } from '../principal/principal';

/**
 * Entity views of devicehive-api.md §2: the field subsets each reply shows. Every listed field is
 * always present; null is serialized as `null` (§1.3). Timestamps are strings produced by
 * `formatTimestamp` (§1.7).
 */

/** A timestamp as emitted on the wire: `yyyy-MM-dd'T'HH:mm:ss.SSS`, UTC, no zone (§1.7). */
export type WireTimestamp = string;

/** A network as listed, and inside a user's published view (§2.2). */
export interface NetworkView {
  id: number;
  name: string;
  description: string | null;
}

/** A device type as listed (§2.3). */
export type DeviceTypeView = NetworkView;

/** A device inside `network/get` / `devicetype/get` (§2.2, §2.4). */
export interface DeviceSummaryView {
  id: string;
  name: string;
  data: JsonObject | null;
  isBlocked: boolean;
}

/** `network/get` (§2.2). */
export interface NetworkWithDevicesView extends NetworkView {
  devices: DeviceSummaryView[];
}

/** `devicetype/get` (§2.3). */
export type DeviceTypeWithDevicesView = NetworkWithDevicesView;

/** `device/get`, `device/list`: all six fields (§2.4; no `status`, unlike the DOC). */
export interface DeviceView extends DeviceSummaryView {
  networkId: number;
  deviceTypeId: number;
}

/** `user/list` (§2.1 listed view). */
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

/** `user/get`, `user/getCurrent` (§2.1 published view): the listed view plus networks. */
export interface UserPublishedView extends UserListedView {
  networks: NetworkView[];
}

/** `user/insert` reply (§2.1 submitted view): NO login/role/status. */
export interface UserSubmittedView {
  id: number;
  lastLogin: WireTimestamp | null;
  data: JsonObject | null;
  introReviewed: boolean;
  allDeviceTypesAvailable: boolean;
}

/** `command/get`, `command/list` and both command pushes: the 12 public fields (§2.5). */
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

/** `command/insert` reply (§2.5). */
export interface DeviceCommandInsertedView {
  id: number;
  timestamp: WireTimestamp;
  lastUpdated: WireTimestamp;
  userId: number;
}

/** `notification/get`, `notification/list` and the push: all seven fields (§2.6). */
export interface DeviceNotificationView {
  id: number;
  notification: string;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  timestamp: WireTimestamp;
  parameters: JsonObject | null;
}

/** `notification/insert` reply (§2.6). */
export interface DeviceNotificationInsertedView {
  id: number;
  timestamp: WireTimestamp;
}

/** `configuration/get`, `configuration/put` (§2.7); `id` is null right after a creating put. */
export interface ConfigurationView {
  id: number | null;
  name: string;
  value: string;
  entityVersion: number;
}

/**
 * A `subscription/list` element (§2.8): what the client asked, not the expanded filter;
 * null = not specified.
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
