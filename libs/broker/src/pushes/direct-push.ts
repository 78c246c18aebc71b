import type { ClientSession } from '../session/client-session';
import type { RoutedPacket } from './event-packet';

/** Marks the broker id of packets written straight to one connection (never routed). */
const DIRECT_SUFFIX = '.direct';

/**
 * Whether a packet was written to its connection directly by {@link DirectPusher} rather than
 * routed by a topic filter. The mark is the broker id, which aedes keeps through offline queues,
 * so a direct push replayed after a reconnect is still recognised.
 */
export function isDirectPacket(packet: RoutedPacket): boolean {
  return typeof packet.brokerId === 'string' && packet.brokerId.endsWith(DIRECT_SUFFIX);
}

/** Numbers direct pushes; with the broker id it makes each one's identity unique. */
let counter = 0;

/**
 * Writes one push to one connection at QoS 1, without an MQTT subscription: request-made
 * subscriptions and private event filters (docs/topics/notification.md, docs/topics/README.md).
 * Uses aedes' `Client.publish`, which for a persistent session stores the packet in its outgoing
 * queue first (a QoS 1 push in flight at a disconnect is resent on reconnect, MQTT 3.1.1 §4.4) and
 * then delivers it through `authorizeForward`. The packets get their own broker id and counter, so
 * they are never mistaken for copies of routed ones. A closed connection gets nothing.
 */
export function pushDirect(
  brokerId: string,
  session: ClientSession,
  topic: string,
  payload: object,
): void {
  const client = session.client;
  if (!client || client.closed) return;
  const packet: RoutedPacket = {
    cmd: 'publish',
    topic,
    payload: Buffer.from(JSON.stringify(payload)),
    qos: 1,
    retain: false,
    dup: false,
    brokerId: brokerId + DIRECT_SUFFIX,
    brokerCounter: ++counter,
  };
  client.publish(packet, () => undefined);
}
