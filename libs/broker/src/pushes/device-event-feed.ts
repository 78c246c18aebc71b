import {
  EVENT_TOPIC_KINDS,
  parseTopic,
  type DeviceEvent,
  type EventTopic,
} from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import { eventOfPacket, type RoutedPacket } from './event-packet';

/** Receives every device event of the fabric while registered. */
export type DeviceEventListener = (event: DeviceEvent) => void;

/**
 * Registers `listener` for every device event of the fabric (docs/adr/0012): another face of the
 * broker side (the REST and WebSocket APIs) sees the events exactly as MQTT sessions do, each
 * one once per pod. In the cluster the pod's push interest is held while the listener is
 * registered (docs/adr/0009-event-listener-only-where-needed.md). Resolves once events flow;
 * the returned function unregisters.
 */
export async function listenDeviceEvents(
  ctx: BrokerContext,
  listener: DeviceEventListener,
): Promise<() => Promise<void>> {
  await ctx.pushInterest.hold();
  const onPacket = (packet: RoutedPacket, done: () => void) => {
    try {
      const topic = parseTopic(packet.topic);
      if ('networkId' in topic && topic.owner === null) {
        const event = eventOfPacket(topic as EventTopic, packet, ctx.commandOrigins);
        if (event !== null) listener(event);
      }
    } catch (err) {
      ctx.logger.error({ err, topic: packet.topic }, 'device event listener failed');
    }
    done();
  };
  const topics = EVENT_TOPIC_KINDS.map((kind) => `dh/${kind}/+/+/+/+`);
  const each = (register: (topic: string, done: () => void) => void) =>
    Promise.all(topics.map((topic) => new Promise<void>((resolve) => register(topic, resolve))));
  await each((topic, done) => ctx.aedes.subscribe(topic, onPacket, done));
  let removed = false;
  return async () => {
    if (removed) return;
    removed = true;
    await each((topic, done) => ctx.aedes.unsubscribe(topic, onPacket, done));
    ctx.pushInterest.release();
  };
}
