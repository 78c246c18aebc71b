import { isEventKind, parseTopic, type EventTopic } from '@dh-mqtt/protocol';
import type { AedesOptions } from 'aedes';
import type { BrokerContext } from '../broker-context';
import { mayReceiveEvent } from '../delivery/event-access';
import { storedAtOf } from '../metrics/stored-at';
import { isDirectPacket } from '../pushes/direct-push';
import { commandOriginOf, type RoutedPacket } from '../pushes/event-packet';

type AuthorizeForward = NonNullable<AedesOptions['authorizeForward']>;
type Forwarded = Parameters<AuthorizeForward>[1];

/** Index of an event topic kind in `PUSH_KINDS` (metrics). */
const PUSH_KIND_INDEX = { notification: 0, command: 1, command_update: 2 } as const;

/**
 * aedes `authorizeForward`: the last check before a packet is written to one subscriber, whatever
 * filter matched it (`#` included), also for offline queues replayed on reconnect.
 * - a copy of a packet the connection already got (overlapping filters): never — this replaces
 *   aedes' counter dedupe, see `delivery/delivery-window.ts` (docs/topics/notification.md "exactly
 *   once");
 * - `dh/request`: never (docs/security.md: nobody reads others' requests);
 * - `dh/response/...@{owner}` and other owned topics: the owner only (docs/topics/README.md,
 *   docs/topics/request.md);
 * - event topics: sessions whose principal may see that device's events, per subscriber and per
 *   event (docs/topics/notification.md); `dh/command_update` routed by filter only to the
 *   connection whose client id inserted the command (a persistent session resumed under that id
 *   included; for an update without origin, a remote DeviceHive's, the one this pod remembers,
 *   docs/adr/0015); pushes written directly (request-made subscriptions) were matched when pushed;
 * - any other `dh/...`: never. Ordinary and `$` topics: as routed.
 * Every verdict is counted (`BrokerMetrics`): a message sent, a push with its latency, or a drop.
 */
export function createAuthorizeForward(ctx: BrokerContext): AuthorizeForward {
  const { metrics } = ctx;
  const sent = (packet: Forwarded) => {
    metrics.messagesSent[packet.qos] += 1;
    return packet;
  };
  const denied = () => {
    metrics.dropped[0] += 1; // acl
    return null;
  };
  const pushed = (packet: Forwarded, kind: EventTopic['kind']) => {
    metrics.push(PUSH_KIND_INDEX[kind], storedAtOf(packet, kind === 'command_update'));
    return sent(packet);
  };
  return (client, packet) => {
    const session = ctx.sessions.get(client);
    if (session && !session.delivered.firstDelivery(packet)) return null;
    const topic = packet.topic;
    if (!topic.startsWith('dh/')) return sent(packet);
    const parsed = parseTopic(topic);
    switch (parsed.kind) {
      case 'response':
        return parsed.owner === client.id ? sent(packet) : denied();
      default: {
        if (!isEventKind(parsed.kind)) return denied();
        const event = parsed as EventTopic;
        if (event.owner !== null && event.owner !== client.id) return denied();
        if (!mayReceiveEvent(session?.principal, event.kind, event)) {
          metrics.pushesDenied[PUSH_KIND_INDEX[event.kind]] += 1;
          return denied();
        }
        if (event.kind !== 'command_update' || isDirectPacket(packet as RoutedPacket)) {
          return pushed(packet, event.kind);
        }
        const origin =
          commandOriginOf(packet as RoutedPacket) ??
          ctx.commandOrigins.originOfPacket(packet as RoutedPacket);
        return origin === client.id ? pushed(packet, event.kind) : denied();
      }
    }
  };
}
