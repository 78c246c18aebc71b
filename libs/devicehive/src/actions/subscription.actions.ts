import {
  type DeviceEvent,
  type NotificationSubscribeRequest,
  type RequestSubscription,
  type SubscriptionType,
} from '@dh-mqtt/protocol';
import type { ActionContext, ActionImpl, ActionOutcome, ActionTable } from '../core/action';
import { formatTimestamp, parseOptionalTimestamp } from '../core/timestamp';
import { findCommandsSince } from '../repositories/command.repository';
import { findNotificationsSince } from '../repositories/notification.repository';
import { subscriptionIds, type SubscriptionIdGenerator } from '../subscriptions/subscription-id';
import { resolveSubscriptionScope, type SubscribeAsk } from '../subscriptions/subscription-scope';
import { commandEvent } from './command.actions';
import { notificationEvent } from './notification.actions';

/**
 * Replay size of notifications (docs/api/subscriptions.md); commands take the request's `limit`
 * (its DTO's default: 20).
 */
export const NOTIFICATION_REPLAY_LIMIT = 100;
/** Upper bound on a client's `limit`, so one request cannot stream a whole table. */
export const MAX_REPLAY_LIMIT = 1000;

/** An empty list filters like an absent one (the reference checks `isEmpty()`). */
const nullIfEmpty = <T>(list: T[] | null): T[] | null => (list?.length ? list : null);

/**
 * `command/subscribe` and `notification/subscribe` (docs/api/subscriptions.md,
 * handling `session`): validate and expand the filter
 * (subscription-scope.ts), mint the id (docs/api/subscriptions.md), and, when `timestamp` is given,
 * read the stored events to replay (timestamp ≥ value, oldest first). The broker stores the
 * subscription and delivers the replay after the reply `{subscriptionId}`.
 */
async function subscribe(
  ctx: ActionContext,
  request: NotificationSubscribeRequest,
  type: SubscriptionType,
  ids: SubscriptionIdGenerator,
  replayOptions: { limit: number; returnUpdatedCommands: boolean },
): Promise<ActionOutcome> {
  // As given: listed back by `subscription/list` (docs/api/subscriptions.md).
  const given = {
    deviceId: request.deviceId ?? undefined,
    networkIds: request.networkIds ?? null,
    deviceTypeIds: request.deviceTypeIds ?? null,
    names: request.names ?? null,
  };
  const ask: SubscribeAsk = {
    deviceId: given.deviceId,
    networkIds: nullIfEmpty(given.networkIds),
    deviceTypeIds: nullIfEmpty(given.deviceTypeIds),
    names: nullIfEmpty(given.names),
  };
  const since = parseOptionalTimestamp(request.timestamp);
  const { limit, returnUpdatedCommands } = replayOptions;
  const { filters, scope } = await resolveSubscriptionScope(ctx, ask);

  let replay: DeviceEvent[] | undefined;
  if (since) {
    replay =
      type === 'notification'
        ? (await findNotificationsSince(ctx.sql, scope, since, limit)).map(notificationEvent)
        : (await findCommandsSince(ctx.sql, scope, since, limit, returnUpdatedCommands)).map(
            (command) =>
              commandEvent(returnUpdatedCommands ? 'command/update' : 'command/insert', command),
          );
  }
  const subscription: RequestSubscription = {
    subscriptionId: ids.next(),
    type,
    deviceId: given.deviceId ?? null,
    networkIds: given.networkIds,
    deviceTypeIds: given.deviceTypeIds,
    names: given.names,
    timestamp: since ? formatTimestamp(since) : null,
    returnUpdatedCommands,
    filters,
  };
  const outcome: ActionOutcome = {
    body: { subscriptionId: subscription.subscriptionId },
    subscription,
  };
  if (replay) outcome.replay = replay;
  return outcome;
}

/**
 * The subscribe actions; `ids` is injectable for tests. Unsubscribe and `subscription/list` are
 * answered by the broker from session state (action catalogue: handling `broker`).
 */
export function createSubscriptionActions(
  ids: SubscriptionIdGenerator = subscriptionIds,
): ActionTable {
  const commandSubscribe: ActionImpl<'command/subscribe'> = (ctx, request) =>
    subscribe(ctx, request, 'command', ids, {
      // The DTO checked `limit` ≥ 0 and defaulted it; the cap is the core's.
      limit: Math.min(request.limit, MAX_REPLAY_LIMIT),
      returnUpdatedCommands: request.returnUpdatedCommands,
    });
  const notificationSubscribe: ActionImpl<'notification/subscribe'> = (ctx, request) =>
    subscribe(ctx, request, 'notification', ids, {
      limit: NOTIFICATION_REPLAY_LIMIT,
      returnUpdatedCommands: false,
    });
  return {
    'command/subscribe': commandSubscribe,
    'notification/subscribe': notificationSubscribe,
  };
}

/** The subscribe actions with the process-wide id generator. */
export const subscriptionActions: ActionTable = createSubscriptionActions();
