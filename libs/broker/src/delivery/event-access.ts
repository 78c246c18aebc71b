import {
  Permission,
  canSeeDevice,
  hasPermission,
  type EventTopicKind,
  type Principal,
} from '@dh-mqtt/protocol';

/**
 * Whether a session may receive an event of that kind for a device of that network and device
 * type (docs/topics/notification.md): `GetDeviceNotification` for notifications, `GetDeviceCommand`
 * for commands and command updates, and device visibility (token network and device-type scope,
 * CLIENT users' network assignment). Anonymous sessions never.
 */
export function mayReceiveEvent(
  principal: Principal | null | undefined,
  kind: EventTopicKind,
  device: { networkId: number; deviceTypeId: number },
): boolean {
  if (!principal) return false;
  const permission =
    kind === 'notification' ? Permission.GetDeviceNotification : Permission.GetDeviceCommand;
  return hasPermission(principal, permission) && canSeeDevice(principal, device);
}
