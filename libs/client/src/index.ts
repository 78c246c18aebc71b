export { DhClient } from './dh-client';
export type { DhClientEvents, DhClientOptions, DhSubscription, DhTokens } from './client-options';
export { DhClosedError, DhRequestError, DhTimeoutError } from './dh-request-error';
export type {
  ActionArgs,
  ActionBody,
  ActionName,
  ActionResult,
  CommandInsertPush,
  CommandUpdatePush,
  DhPush,
  NotificationInsertPush,
  PushOf,
  SubscribeBody,
  WireBody,
  WireValue,
} from './action-types';
export type { PushHandler } from './event-routes';
export {
  eventTopicFilter,
  REQUEST_TOPIC,
  RESPONSE_FILTER,
  type EventKind,
  type EventTopicFilter,
} from './event-topics';
export type { ReplyMessage } from './pending-requests';
export { tokenExpiry } from './jwt-expiry';
