import { createHash } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';

/** How long a handled event is remembered: far beyond a Kafka group rebalance. */
const SEEN_TTL_MS = 10 * 60_000;

/**
 * Events are read at least once by the broker group: after a pod dies, the records it handled
 * but had not committed yet go to another pod. `claimOnce` (shared by all pods, in Redis) lets
 * only the first pod publish an event into the MQTT fabric, so no subscriber gets it twice
 * (mqtt-api.md §5). The key is the event's full content: a redelivered record is identical,
 * while two events of a device never are (each has its own id and timestamp).
 */
export function deduplicateEvents(
  bus: BrokerBus,
  claimOnce: (key: string, ttlMs: number) => Promise<boolean>,
): BrokerBus {
  return {
    request: (envelope) => bus.request(envelope),
    start: () => bus.start(),
    close: () => bus.close(),
    onEvent: (handler) =>
      bus.onEvent(async (event) => {
        const key = createHash('sha256').update(JSON.stringify(event)).digest('base64url');
        if (await claimOnce(`event:${key}`, SEEN_TTL_MS)) await handler(event);
      }),
  };
}
