import type {
  DeviceCommandInsertedView,
  DeviceCommandView,
  DeviceNotificationInsertedView,
  DeviceNotificationView,
  JsonObject,
} from '@dh-mqtt/protocol';
import type { StoredCommand } from '../repositories/command.repository';
import type { StoredNotification } from '../repositories/notification.repository';

/**
 * The full public view of a command (docs/api/commands.md), in the reference key order; never
 * `isUpdated` or the origin client. Also the data of both command pushes.
 */
export function commandView(c: StoredCommand): JsonObject {
  return {
    id: c.id,
    command: c.command,
    timestamp: c.timestamp,
    lastUpdated: c.lastUpdated,
    userId: c.userId,
    deviceId: c.deviceId,
    networkId: c.networkId,
    deviceTypeId: c.deviceTypeId,
    parameters: c.parameters,
    lifetime: c.lifetime,
    status: c.status,
    result: c.result,
  } satisfies Omit<DeviceCommandView, 'userId'> & { userId: number | null };
}

/** `command/insert` reply (docs/api/commands.md). */
export function commandInsertedView(c: StoredCommand): JsonObject {
  return {
    id: c.id,
    timestamp: c.timestamp,
    lastUpdated: c.lastUpdated,
    userId: c.userId,
  } satisfies Omit<DeviceCommandInsertedView, 'userId'> & { userId: number | null };
}

/**
 * The full public view of a notification (docs/api/notifications.md), in the reference key order;
 * also the data of the push.
 */
export function notificationView(n: StoredNotification): JsonObject {
  return {
    id: n.id,
    notification: n.notification,
    deviceId: n.deviceId,
    networkId: n.networkId,
    deviceTypeId: n.deviceTypeId,
    timestamp: n.timestamp,
    parameters: n.parameters,
  } satisfies DeviceNotificationView;
}

/** `notification/insert` reply (docs/api/notifications.md). */
export function notificationInsertedView(n: StoredNotification): JsonObject {
  return { id: n.id, timestamp: n.timestamp } satisfies DeviceNotificationInsertedView;
}
