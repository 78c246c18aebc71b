import {
  checkAccess,
  DhError,
  errorReplyFrom,
  eventFilterToSubscription,
  findAction,
  hasPermission,
  isDhError,
  subscriptionPermission,
  successReply,
  validateRequest,
  type Reply,
  type RequestMessage,
  type RequestSubscription,
  type SubscriptionType,
} from '@dh-mqtt/protocol';
import { eventFiltersOf } from '../pushes/mqtt-filters';
import type { ClientSession } from './client-session';

/**
 * A `subscription/list` element (docs/api/subscriptions.md); MQTT topic subscriptions add `topic`.
 */
export interface SubscriptionInfo {
  subscriptionId: number | null;
  type: SubscriptionType;
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
  timestamp: string | null;
  topic?: string;
}

/**
 * Answers the actions the catalogue marks `handling: 'broker'` from this connection's state,
 * without a bus round trip (docs/api/commands.md, docs/api/subscriptions.md):
 * `notification/unsubscribe`, `command/unsubscribe`, `subscription/list`, after the catalogue's
 * access check (`checkAccess`: anonymous → 401 `Unauthorized`, missing permission → 403
 * `Access is denied`, docs/api/README.md). Returns null for every other action.
 */
export function answerInBroker(session: ClientSession, request: RequestMessage): Reply | null {
  const { action, requestId } = request;
  const spec = findAction(action);
  if (spec?.handling !== 'broker') return null;
  try {
    checkAccess(spec, session.principal);
  } catch (error) {
    if (isDhError(error)) return errorReplyFrom(action, requestId, error);
    throw error;
  }
  return spec.subscription?.op === 'unsubscribe'
    ? unsubscribe(session, request, spec.subscription.type)
    : listSubscriptions(session, request);
}

/**
 * `*\/unsubscribe` (docs/api/subscriptions.md): by id, a subscription of that type on this
 * connection, else 404 `Subscription with id <id> was not found`; without id, every subscription of
 * that type. MQTT topic subscriptions are left alone: MQTT UNSUBSCRIBE ends those.
 */
function unsubscribe(
  session: ClientSession,
  request: RequestMessage,
  type: SubscriptionType,
): Reply {
  const { action, requestId } = request;
  const validated = validateRequest(action as 'command/unsubscribe', request);
  if (!validated.ok) return errorReplyFrom(action, requestId, validated.error);
  const id = validated.request.subscriptionId;
  const all = [...session.requestSubscriptions.values()].filter((s) => s.type === type);
  const gone = id == null ? all : all.filter((s) => s.subscriptionId === Number(id));
  if (id != null && gone.length === 0) {
    return errorReplyFrom(action, requestId, new DhError('SUBSCRIPTION_NOT_FOUND', String(id)));
  }
  for (const subscription of gone) session.requestSubscriptions.delete(subscription.subscriptionId);
  return successReply(action, requestId);
}

/**
 * `subscription/list` (docs/api/subscriptions.md): this connection's subscriptions of both origins
 * (docs/topics/notification.md) — request-made ones as the client asked for them, then MQTT event
 * filters translated with `eventFilterToSubscription` (`subscriptionId` and `timestamp` null,
 * `topic` = the filter; `dh/command_update/…` lists as `command`). Command ones only with
 * `GetDeviceCommand`, notification ones only with `GetDeviceNotification`; neither → 403. A `type`
 * other than `command`/`notification` lists nothing.
 */
function listSubscriptions(session: ClientSession, request: RequestMessage): Reply {
  const { action, requestId } = request;
  // The catalogue's access check let through a session that may see either type; each type is
  // listed only to a session that may subscribe to it.
  const allowed = (type: SubscriptionType) =>
    hasPermission(session.principal, subscriptionPermission(type));
  const validated = validateRequest('subscription/list', request);
  if (!validated.ok) return errorReplyFrom(action, requestId, validated.error);
  const wanted = validated.request.type;
  const listed = (type: SubscriptionType) => allowed(type) && (wanted == null || wanted === type);
  const subscriptions: SubscriptionInfo[] = [
    ...[...session.requestSubscriptions.values()].map(requestMadeInfo),
    ...topicInfos(session),
  ].filter((info) => listed(info.type));
  return successReply(action, requestId, { subscriptions });
}

function requestMadeInfo(s: RequestSubscription): SubscriptionInfo {
  return {
    subscriptionId: s.subscriptionId,
    type: s.type,
    deviceId: s.deviceId,
    networkIds: s.networkIds,
    deviceTypeIds: s.deviceTypeIds,
    names: s.names,
    timestamp: s.timestamp,
  };
}

function topicInfos(session: ClientSession): SubscriptionInfo[] {
  if (!session.client) return [];
  return eventFiltersOf(session.client).flatMap(({ topic, filter }) => {
    const info = eventFilterToSubscription(filter);
    if (!info) return [];
    const { type, deviceId, networkIds, deviceTypeIds, names } = info;
    return [
      {
        subscriptionId: null,
        type,
        deviceId,
        networkIds,
        deviceTypeIds,
        names,
        timestamp: null,
        topic,
      },
    ];
  });
}
