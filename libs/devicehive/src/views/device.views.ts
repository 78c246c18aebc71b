import type { DeviceView, JsonObject } from '@dh-mqtt/protocol';
import type { DeviceRecord } from '../repositories/device.repository';

/** `device/get`, `device/list`: the six fields of docs/api/devices.md, in the reference order. */
export function deviceView(device: DeviceRecord): JsonObject {
  return {
    id: device.id,
    name: device.name,
    data: device.data,
    networkId: device.networkId,
    deviceTypeId: device.deviceTypeId,
    isBlocked: device.isBlocked,
  } satisfies DeviceView;
}
