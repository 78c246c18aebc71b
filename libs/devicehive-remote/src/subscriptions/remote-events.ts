import type { DeviceEvent, DeviceEventKind, JsonObject } from '@dh-mqtt/protocol';

/**
 * A notification or command as the server lists it, as a device event of `kind`
 * (docs/topics/notification.md): null when it lacks what the topic needs (device, network and
 * device type ids, name).
 */
export function eventFromRemote(kind: DeviceEventKind, item: JsonObject): DeviceEvent | null {
  const nameField = kind === 'notification/insert' ? 'notification' : 'command';
  const deviceId = item['deviceId'];
  const networkId = item['networkId'];
  const deviceTypeId = item['deviceTypeId'];
  const name = item[nameField];
  if (typeof deviceId !== 'string' || typeof name !== 'string') return null;
  if (!Number.isSafeInteger(networkId) || !Number.isSafeInteger(deviceTypeId)) return null;
  const event: DeviceEvent = {
    kind,
    deviceId,
    networkId: networkId as number,
    deviceTypeId: deviceTypeId as number,
    name,
    data: item,
  };
  if (kind !== 'notification/insert') event.originClientId = null;
  return event;
}
