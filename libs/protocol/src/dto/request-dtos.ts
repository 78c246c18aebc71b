import type { ActionName } from '../actions/action-catalog';
import {
  CommandGetRequest,
  CommandInsertRequest,
  CommandListRequest,
  CommandSubscribeRequest,
  CommandUnsubscribeRequest,
  CommandUpdateRequest,
} from './command.dto';
import {
  ConfigurationDeleteRequest,
  ConfigurationGetRequest,
  ConfigurationPutRequest,
} from './configuration.dto';
import {
  DeviceCountRequest,
  DeviceDeleteRequest,
  DeviceGetRequest,
  DeviceListRequest,
  DeviceSaveRequest,
} from './device.dto';
import {
  DeviceTypeCountRequest,
  DeviceTypeDeleteRequest,
  DeviceTypeGetRequest,
  DeviceTypeInsertRequest,
  DeviceTypeListRequest,
  DeviceTypeUpdateRequest,
} from './device-type.dto';
import {
  NetworkCountRequest,
  NetworkDeleteRequest,
  NetworkGetRequest,
  NetworkInsertRequest,
  NetworkListRequest,
  NetworkUpdateRequest,
} from './network.dto';
import {
  NotificationGetRequest,
  NotificationInsertRequest,
  NotificationListRequest,
  NotificationSubscribeRequest,
  NotificationUnsubscribeRequest,
} from './notification.dto';
import { ClusterInfoRequest, ServerCacheInfoRequest, ServerInfoRequest } from './server.dto';
import { SubscriptionListRequest } from './subscription.dto';
import {
  AuthenticateRequest,
  TokenCreateRequest,
  TokenRefreshRequest,
  TokenRequest,
} from './token.dto';
import {
  UserAllowAllDeviceTypesRequest,
  UserAssignDeviceTypeRequest,
  UserAssignNetworkRequest,
  UserDisallowAllDeviceTypesRequest,
  UserGetDeviceTypeRequest,
  UserGetDeviceTypesRequest,
  UserGetNetworkRequest,
  UserUnassignDeviceTypeRequest,
  UserUnassignNetworkRequest,
} from './user-assignment.dto';
import {
  UserCountRequest,
  UserDeleteRequest,
  UserGetCurrentRequest,
  UserGetRequest,
  UserInsertRequest,
  UserListRequest,
  UserUpdateCurrentRequest,
  UserUpdateRequest,
} from './user.dto';

/**
 * The request DTO class of every action, keyed by wire name. `satisfies` makes the compiler
 * refuse an action of `ACTIONS` without a DTO.
 */
export const REQUEST_DTOS = {
  authenticate: AuthenticateRequest,
  token: TokenRequest,
  'token/refresh': TokenRefreshRequest,
  'token/create': TokenCreateRequest,
  'server/info': ServerInfoRequest,
  'cluster/info': ClusterInfoRequest,
  'server/cacheInfo': ServerCacheInfoRequest,

  'configuration/get': ConfigurationGetRequest,
  'configuration/put': ConfigurationPutRequest,
  'configuration/delete': ConfigurationDeleteRequest,

  'device/get': DeviceGetRequest,
  'device/list': DeviceListRequest,
  'device/count': DeviceCountRequest,
  'device/save': DeviceSaveRequest,
  'device/delete': DeviceDeleteRequest,

  'devicetype/get': DeviceTypeGetRequest,
  'devicetype/list': DeviceTypeListRequest,
  'devicetype/count': DeviceTypeCountRequest,
  'devicetype/insert': DeviceTypeInsertRequest,
  'devicetype/update': DeviceTypeUpdateRequest,
  'devicetype/delete': DeviceTypeDeleteRequest,

  'network/get': NetworkGetRequest,
  'network/list': NetworkListRequest,
  'network/count': NetworkCountRequest,
  'network/insert': NetworkInsertRequest,
  'network/update': NetworkUpdateRequest,
  'network/delete': NetworkDeleteRequest,

  'user/get': UserGetRequest,
  'user/list': UserListRequest,
  'user/count': UserCountRequest,
  'user/insert': UserInsertRequest,
  'user/update': UserUpdateRequest,
  'user/delete': UserDeleteRequest,
  'user/getCurrent': UserGetCurrentRequest,
  'user/updateCurrent': UserUpdateCurrentRequest,
  'user/getNetwork': UserGetNetworkRequest,
  'user/assignNetwork': UserAssignNetworkRequest,
  'user/unassignNetwork': UserUnassignNetworkRequest,
  'user/getDeviceType': UserGetDeviceTypeRequest,
  'user/getDeviceTypes': UserGetDeviceTypesRequest,
  'user/assignDeviceType': UserAssignDeviceTypeRequest,
  'user/unassignDeviceType': UserUnassignDeviceTypeRequest,
  'user/allowAllDeviceTypes': UserAllowAllDeviceTypesRequest,
  'user/disallowAllDeviceTypes': UserDisallowAllDeviceTypesRequest,

  'command/get': CommandGetRequest,
  'command/list': CommandListRequest,
  'command/insert': CommandInsertRequest,
  'command/update': CommandUpdateRequest,
  'command/subscribe': CommandSubscribeRequest,
  'command/unsubscribe': CommandUnsubscribeRequest,

  'notification/get': NotificationGetRequest,
  'notification/list': NotificationListRequest,
  'notification/insert': NotificationInsertRequest,
  'notification/subscribe': NotificationSubscribeRequest,
  'notification/unsubscribe': NotificationUnsubscribeRequest,

  'subscription/list': SubscriptionListRequest,
} as const satisfies Record<ActionName, new () => object>;

/** The validated request of action `A`: an instance of its DTO class. */
export type ActionRequest<A extends ActionName> = InstanceType<(typeof REQUEST_DTOS)[A]>;
