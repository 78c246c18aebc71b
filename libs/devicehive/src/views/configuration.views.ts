import type { ConfigurationView, JsonObject } from '@dh-mqtt/protocol';
import type { ConfigurationRecord } from '../repositories/configuration.repository';

/**
 * `configuration/get`, `configuration/put` (docs/api/configuration.md); `id` null for an entry
 * this call created (the reference's quirk).
 */
export function configurationView(record: ConfigurationRecord, created = false): JsonObject {
  return {
    id: created ? null : record.id,
    name: record.name,
    value: record.value,
    entityVersion: record.entityVersion,
  } satisfies ConfigurationView;
}
