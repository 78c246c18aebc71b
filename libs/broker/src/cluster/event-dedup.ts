import { createHash } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';

/**
 * Events are read at least once by the broker group: after a pod dies, the records it handled
 * but had not committed yet go to another pod. `once` (shared by all pods, in Redis) lets only
 * one pod publish an event into the MQTT fabric, so no subscriber gets it twice
 * (docs/topics/notification.md), and another pod does it when the first one died before it was
 * done. The key is the event's full content: a redelivered record is identical, while two events of
 * a device never are (each has its own id and timestamp). Object keys are sorted first: the same
 * event read twice from a remote DeviceHive (a live push, then a replay after a stream hand-over,
 * docs/adr/0015) may list the keys of its `parameters` in another order (PostgreSQL's jsonb), and
 * carry the command's origin or not (the origin is left out of the key).
 */
export function deduplicateEvents(
  bus: BrokerBus,
  once: (key: string, work: () => Promise<void>) => Promise<boolean>,
): BrokerBus {
  return {
    request: (envelope) => bus.request(envelope),
    start: () => bus.start(),
    close: () => bus.close(),
    onEvent: (handler) =>
      bus.onEvent(async (event) => {
        // Without the origin: a remote DeviceHive's update is read with the origin a gateway
        // remembered, or without one (docs/adr/0015); either copy reaches the same session.
        const { originClientId: _origin, ...content } = event;
        const key = createHash('sha256').update(canonicalJson(content)).digest('base64url');
        await once(`event:${key}`, async () => {
          await handler(event);
        });
      }),
  };
}

/** JSON with every object's keys sorted (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : item,
  );
}
