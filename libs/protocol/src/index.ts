export {
  ACTIONS,
  ACTION_NAMES,
  ANONYMOUS_ACTIONS,
  findAction,
  isActionName,
  isSubscribeAction,
  subscriptionPermission,
  writesOf,
  isPipelined,
  type ActionHandling,
  type ActionName,
  type ActionSpec,
  type ActionSubscription,
  type ActionTarget,
  type ActionWrites,
} from './actions/action-catalog';
export { checkAccess } from './actions/check-access';
export { DhError, ERRORS, errorText, isDhError, type ErrorCode } from './errors/error-catalog';
export {
  errorReply,
  errorReplyFrom,
  isErrorReply,
  successReply,
  type ErrorReply,
  type JsonObject,
  type PushMessage,
  type Reply,
  type RequestMessage,
  type SuccessReply,
} from './envelopes/envelopes';
export {
  subscriptionMatches,
  type DeviceEvent,
  type DeviceEventKind,
  type RequestSubscription,
  type SubscriptionFilter,
  type SubscriptionType,
} from './events/device-event';
export {
  ADMIN_ONLY_PERMISSIONS,
  ALL_PERMISSIONS,
  ANY_PERMISSION_ID,
  CLIENT_PERMISSIONS,
  NO_PERMISSION_ID,
  PERMISSION_IDS,
  Permission,
  permissionById,
  permissionByName,
} from './principal/permissions';
export {
  UserRole,
  UserStatus,
  canSeeDevice,
  canSeeDeviceType,
  canSeeNetwork,
  hasPermission,
  inScope,
  type IdScope,
  type Principal,
} from './principal/principal';
export * from './topics/index';
export * from './dto/index';
