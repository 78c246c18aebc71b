export { validateRequest, type RequestValidation } from './validate-request';
export { REQUEST_DTOS, type ActionRequest } from './request-dtos';
export { jsonDepthWithin, MAX_JSON_DEPTH } from './field-decorators';
export { nestedFieldsOf, type DtoClass } from './dto-schema';
export { dtoJsonSchema, Schema, type JsonSchema, type SchemaRef } from './field-schema';
export { DEFAULT_SKIP, DEFAULT_TAKE, MAX_TAKE, type SortOrder } from './list-fields';
export { EntityPageRequest, EventPageRequest, PageRequest } from './list.dto';
export { NamedEntityInsertBody, NamedEntityUpdateBody } from './named-entity.dto';
export {
  AuthenticateRequest,
  TokenCreatePayload,
  TokenCreateRequest,
  TokenRefreshRequest,
  TokenRequest,
} from './token.dto';
export { ClusterInfoRequest, ServerCacheInfoRequest, ServerInfoRequest } from './server.dto';
export {
  ConfigurationDeleteRequest,
  ConfigurationGetRequest,
  ConfigurationPutRequest,
  MAX_CONFIGURATION_NAME,
  MAX_CONFIGURATION_VALUE,
} from './configuration.dto';
export {
  DEVICE_ID_PATTERN,
  DeviceCountRequest,
  DeviceDeleteRequest,
  DeviceGetRequest,
  DeviceListRequest,
  DeviceSaveBody,
  DeviceSaveRequest,
  MAX_DEVICE_ID,
  MAX_NAME,
} from './device.dto';
export {
  DeviceTypeCountRequest,
  DeviceTypeDeleteRequest,
  DeviceTypeGetRequest,
  DeviceTypeInsertBody,
  DeviceTypeInsertRequest,
  DeviceTypeListRequest,
  DeviceTypeUpdateBody,
  DeviceTypeUpdateRequest,
} from './device-type.dto';
export {
  NetworkCountRequest,
  NetworkDeleteRequest,
  NetworkGetRequest,
  NetworkInsertBody,
  NetworkInsertRequest,
  NetworkListRequest,
  NetworkUpdateBody,
  NetworkUpdateRequest,
} from './network.dto';
export {
  LOGIN_PATTERN,
  PASSWORD_PATTERN,
  UserCountRequest,
  UserDeleteRequest,
  UserGetCurrentRequest,
  UserGetRequest,
  UserInsertBody,
  UserInsertRequest,
  UserListRequest,
  UserUpdateBody,
  UserUpdateCurrentRequest,
  UserUpdateRequest,
} from './user.dto';
export {
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
export {
  CommandGetRequest,
  CommandInsertBody,
  CommandInsertRequest,
  CommandListRequest,
  CommandSubscribeRequest,
  CommandUnsubscribeRequest,
  CommandUpdateBody,
  CommandUpdateRequest,
  DEFAULT_REPLAY_LIMIT,
  MAX_EVENT_NAME,
} from './command.dto';
export {
  NotificationGetRequest,
  NotificationInsertBody,
  NotificationInsertRequest,
  NotificationListRequest,
  NotificationSubscribeRequest,
  NotificationUnsubscribeRequest,
} from './notification.dto';
export { SubscriptionListRequest } from './subscription.dto';
export { formatTimestamp, parseTimestamp } from '../replies/timestamp';
export type {
  ConfigurationView,
  DeviceCommandInsertedView,
  DeviceCommandView,
  DeviceNotificationInsertedView,
  DeviceNotificationView,
  DeviceSummaryView,
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
} from '../replies/entity-views';
export type {
  ActionReplies,
  ActionReply,
  CountReply,
  EmptyReply,
  SubscribeReply,
  TokenPairReply,
} from '../replies/action-replies';
export type {
  CommandInsertPush,
  CommandUpdatePush,
  DevicePush,
  NotificationInsertPush,
} from '../replies/push-payloads';
