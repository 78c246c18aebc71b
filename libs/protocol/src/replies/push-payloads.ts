import type { DeviceCommandView, DeviceNotificationView } from './entity-views';

/**
 * Server pushes (docs/api/subscriptions.md, docs/topics/notification.md): no requestId, no status;
 * the object carries `networkId` and `deviceTypeId` so the broker can route it by topic.
 */
export interface CommandInsertPush {
  action: 'command/insert';
  command: DeviceCommandView;
  subscriptionId: number | null;
}

/**
 * Delivered to `returnUpdatedCommands` subscriptions; the whole updated command
 * (docs/topics/notification.md).
 */
export interface CommandUpdatePush {
  action: 'command/update';
  command: DeviceCommandView;
  subscriptionId: number | null;
}

export interface NotificationInsertPush {
  action: 'notification/insert';
  notification: DeviceNotificationView;
  subscriptionId: number | null;
}

export type DevicePush = CommandInsertPush | CommandUpdatePush | NotificationInsertPush;
