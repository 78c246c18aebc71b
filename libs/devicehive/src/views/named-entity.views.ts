import type {
  DeviceSummaryView,
  JsonObject,
  NetworkView,
  NetworkWithDevicesView,
} from '@dh-mqtt/protocol';
import type { DeviceRecord } from '../repositories/device.repository';
import type { NamedEntityRecord } from '../repositories/named-entity.repository';

/**
 * A network or device type as id, name, description (docs/api/networks.md,
 * docs/api/device-types.md).
 */
export function namedView(entity: NamedEntityRecord): NetworkView & JsonObject {
  return { id: entity.id, name: entity.name, description: entity.description };
}

/** A device inside `network/get` / `devicetype/get`: id, name, data, isBlocked. */
export function deviceSummaryView(device: DeviceRecord): DeviceSummaryView & JsonObject {
  return { id: device.id, name: device.name, data: device.data, isBlocked: device.isBlocked };
}

/** `network/get`, `devicetype/get`: the entity and its devices the caller may see. */
export function namedWithDevicesView(
  entity: NamedEntityRecord,
  devices: readonly DeviceRecord[],
): JsonObject {
  return {
    ...namedView(entity),
    devices: devices.map(deviceSummaryView),
  } satisfies NetworkWithDevicesView;
}
