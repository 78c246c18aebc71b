import { createHash } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';

/**
 * Events are read at least once by the broker group: after a pod dies, the records it handled
 * but had not committed yet go to another pod. `once` (shared by all pods, in Redis) lets only
 * one pod publish an event into the MQTT fabric, so no subscriber gets it twice
 * (docs/topics/notification.md), and another pod does it when the first one died before it was
 * done. The key is the event's full content: a redelivered record is identical, while two events of
 * a device never are (each has its own id and timestamp).
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
        const key = createHash('sha256').update(JSON.stringify(event)).digest('base64url');
        await once(`event:${key}`, async () => {
          await handler(event);
        });
      }),
  };
}
