import { DhError, type DeviceEvent, type JsonObject } from '@dh-mqtt/protocol';
import type { ActionImpl, ActionOutcome, ActionTable } from '../core/action';
import { requirePrincipal, requireVisibleDevice } from '../core/access';
import { parseOptionalTimestamp } from '../core/timestamp';
import { RequestRanAlready } from '../devicehive.port';
import {
  findNotification,
  insertClaimedNotifications,
  insertNotification,
  listNotifications,
  NOTIFICATION_SORT_COLUMNS,
  type StoredNotification,
} from '../repositories/notification.repository';
import { notificationInsertedView, notificationView } from '../views/event.views';
import { eventPage, hasNetwork } from './event-request';

/** The push event of a stored notification (docs/topics/notification.md): the full 7-field view. */
export function notificationEvent(notification: StoredNotification): DeviceEvent {
  return {
    kind: 'notification/insert',
    deviceId: notification.deviceId,
    networkId: notification.networkId,
    deviceTypeId: notification.deviceTypeId,
    name: notification.notification,
    data: notificationView(notification),
  };
}

/**
 * `notification/insert` (docs/api/notifications.md): the payload is checked before the device
 * (reference order); stores the notification with the device's network and type (group-committed
 * with concurrent inserts when the core has a batcher; the reply waits for the commit) and emits
 * `notification/insert`.
 */
const notificationInsert: ActionImpl<'notification/insert'> = async (ctx, request) => {
  requirePrincipal(ctx);
  const { deviceId, notification: payload } = request;
  const name = payload.notification;
  const device = await requireVisibleDevice(ctx, deviceId);
  if (!hasNetwork(device)) throw new DhError('DEVICE_IS_NOT_CONNECTED_TO_NETWORK', deviceId);
  const row = {
    notification: name,
    deviceId,
    networkId: device.networkId,
    deviceTypeId: device.deviceTypeId,
    timestamp: parseOptionalTimestamp(payload.timestamp) ?? ctx.now(),
    parameters: (payload.parameters ?? null) as JsonObject | null,
  };
  // Validated above: a row handed to the batcher fails only for what the database rejects.
  const claim = ctx.ledgerClaim;
  // Its place in the batcher's order: reserved before the device lookup when the call is
  // pipelined (docs/adr/0023-insert-order-reserved-before-the-device-lookup.md), else taken now.
  const place = ctx.notificationSlot ?? ctx.notifications?.reserve(ctx.clientId);
  if (claim !== undefined) {
    // The ledger claim rides in the INSERT (docs/adr/0019-ledger-claim-in-the-insert.md).
    const stored = place
      ? await place.insertClaimed(row, claim)
      : (await insertClaimedNotifications(ctx.sql, [{ notification: row, claim }]))[0];
    if (!stored) throw new RequestRanAlready();
    return inserted(stored);
  }
  return inserted(place ? await place.insert(row) : await insertNotification(ctx.sql, row));
};

function inserted(stored: StoredNotification): ActionOutcome {
  return {
    body: { notification: notificationInsertedView(stored) },
    events: [notificationEvent(stored)],
  };
}

/**
 * `notification/get` (docs/api/notifications.md). The action has no target check in the reference;
 * the device must still be visible to the caller (else 404), as for every other read of device
 * data.
 */
const notificationGet: ActionImpl<'notification/get'> = async (ctx, request) => {
  const { deviceId, notificationId } = request;
  await requireVisibleDevice(ctx, deviceId);
  const stored = await findNotification(ctx.sql, deviceId, notificationId);
  if (stored == null) throw new DhError('NOTIFICATION_NOT_FOUND');
  return { body: { notification: notificationView(stored) } };
};

/** `notification/list` (docs/api/notifications.md): filters and sorting as `command/list`. */
const notificationList: ActionImpl<'notification/list'> = async (ctx, request) => {
  const { deviceId } = request;
  await requireVisibleDevice(ctx, deviceId);
  const notifications = await listNotifications(
    ctx.sql,
    {
      deviceId,
      start: parseOptionalTimestamp(request.start),
      end: parseOptionalTimestamp(request.end),
      names: request.notification == null ? null : [request.notification],
    },
    eventPage(request, NOTIFICATION_SORT_COLUMNS),
  );
  return { body: { notifications: notifications.map(notificationView) } };
};

/** The notification actions served by the core (subscribe lives in subscription.actions.ts). */
export const notificationActions: ActionTable = {
  'notification/insert': notificationInsert,
  'notification/get': notificationGet,
  'notification/list': notificationList,
};
