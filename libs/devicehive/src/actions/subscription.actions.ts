import {
  DhError,
  type DeviceEvent,
  type JsonObject,
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
 * Replay sizes (docs/api/subscriptions.md): `limit` default for commands, fixed for notifications.
 */
export const DEFAULT_COMMAND_REPLAY_LIMIT = 20;
export const NOTIFICATION_REPLAY_LIMIT = 100;
/** Upper bound on a client's `limit`, so one request cannot stream a whole table. */
export const MAX_REPLAY_LIMIT = 1000;

function idList(value: unknown, field: string): number[] | null {
  if (value == null) return null;
  if (!Array.isArray(value)) throw DhError.validation(`${field} must be an array of integers`);
  const ids = value.map((item) =>
    typeof item === 'string' && /^\s*-?\d+\s*$/.test(item) ? Number(item) : item,
  );
  if (!ids.every((id): id is number => Number.isSafeInteger(id))) {
    throw DhError.validation(`${field} must be an array of integers`);
  }
  return ids;
}

function nameList(value: unknown): string[] | null {
  if (value == null) return null;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw DhError.validation('names must be an array of strings');
  }
  return value;
}

/** An empty list filters like an absent one (the reference checks `isEmpty()`). */
const nullIfEmpty = <T>(list: T[] | null): T[] | null => (list?.length ? list : null);

/**
 * The request's filter fields as given (listed back by `subscription/list`,
 * docs/api/subscriptions.md).
 */
function readGiven(request: JsonObject) {
  const deviceId = request['deviceId'];
  if (deviceId != null && typeof deviceId !== 'string') throw new DhError('DEVICE_ID_REQUIRED');
  return {
    deviceId: deviceId ?? undefined,
    networkIds: idList(request['networkIds'], 'networkIds'),
    deviceTypeIds: idList(request['deviceTypeIds'], 'deviceTypeIds'),
    names: nameList(request['names']),
  };
}

function readLimit(value: unknown): number {
  if (value == null) return DEFAULT_COMMAND_REPLAY_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return Math.min(value, MAX_REPLAY_LIMIT);
}

/**
 * `command/subscribe` and `notification/subscribe` (docs/api/subscriptions.md,
 * handling `session`): validate and expand the filter
 * (subscription-scope.ts), mint the id (docs/api/subscriptions.md), and, when `timestamp` is given,
 * read the stored events to replay (timestamp ≥ value, oldest first). The broker stores the
 * subscription and delivers the replay after the reply `{subscriptionId}`.
 */
async function subscribe(
  ctx: ActionContext,
  request: JsonObject,
  type: SubscriptionType,
  ids: SubscriptionIdGenerator,
): Promise<ActionOutcome> {
  const given = readGiven(request);
  const ask: SubscribeAsk = {
    deviceId: given.deviceId,
    networkIds: nullIfEmpty(given.networkIds),
    deviceTypeIds: nullIfEmpty(given.deviceTypeIds),
    names: nullIfEmpty(given.names),
  };
  const since = parseOptionalTimestamp(request['timestamp']);
  const returnUpdatedCommands = type === 'command' && request['returnUpdatedCommands'] === true;
  const limit = type === 'command' ? readLimit(request['limit']) : NOTIFICATION_REPLAY_LIMIT;
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
  const commandSubscribe: ActionImpl = (ctx, request) => subscribe(ctx, request, 'command', ids);
  const notificationSubscribe: ActionImpl = (ctx, request) =>
    subscribe(ctx, request, 'notification', ids);
  return {
    'command/subscribe': commandSubscribe,
    'notification/subscribe': notificationSubscribe,
  };
}

/** The subscribe actions with the process-wide id generator. */
export const subscriptionActions: ActionTable = createSubscriptionActions();
