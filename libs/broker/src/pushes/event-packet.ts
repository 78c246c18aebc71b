import {
  EVENT_KIND_OF_TOPIC,
  TOPIC_KIND_OF_EVENT,
  formatEventTopic,
  type DeviceEvent,
  type EventTopic,
  type JsonObject,
} from '@dh-mqtt/protocol';
import type { PublishPacket } from 'aedes';
import type { CommandOrigins } from './command-origins';
import { pushPayload } from './push-payload';

/** A publish packet with aedes' routing fields, as the hooks and listeners see it. */
export type RoutedPacket = PublishPacket & {
  clientId?: string;
  brokerId?: string | null;
  brokerCounter?: number;
};

/** The concrete topic of an event, or null when its name cannot be a topic level (`/`, `@`...). */
export function eventTopic(event: DeviceEvent): string | null {
  try {
    return formatEventTopic(TOPIC_KIND_OF_EVENT[event.kind], event);
  } catch {
    return null;
  }
}

/**
 * The packet an event is published as into the MQTT fabric (docs/topics/notification.md): its
 * concrete topic, QoS 1 (persistent sessions queue it), never retained, the push payload with
 * `subscriptionId: null`.
 *
 * The origin of a command update (who inserted the command) travels as aedes' `clientId` packet
 * field, which otherwise names the publishing client and is empty for system publishes. It is the
 * one non-wire field aedes copies whenever it re-wraps a packet (`aedes-packet`), that the Redis
 * mqemitter (msgpack of the whole packet) and the offline queues of both persistences (memory, and
 * Redis via msgpack of an `aedes-packet`) keep, and that is never written to the wire; so
 * `authorizeForward` can read it on every pod, also when a persistent session's queue is replayed.
 * Null when the event has no topic.
 */
export function eventPacket(event: DeviceEvent): RoutedPacket | null {
  const topic = eventTopic(event);
  if (topic === null) return null;
  const packet: RoutedPacket = {
    cmd: 'publish',
    topic,
    payload: Buffer.from(JSON.stringify(pushPayload(event, null))),
    qos: 1,
    retain: false,
    dup: false,
  };
  if (event.kind === 'command/update' && event.originClientId) {
    packet.clientId = event.originClientId;
  }
  return packet;
}

/** The client id a `dh/command_update` packet may be delivered to; null = nobody. */
export function commandOriginOf(packet: RoutedPacket): string | null {
  return typeof packet.clientId === 'string' && packet.clientId !== '' ? packet.clientId : null;
}

/**
 * The event carried by a fabric packet (its topic already parsed): the inverse of
 * {@link eventPacket}. Null when the payload is not a push of that topic's kind. A command update
 * without origin gets the one `origins` remembers, if any (docs/adr/0015).
 */
export function eventOfPacket(
  topic: EventTopic,
  packet: RoutedPacket,
  origins?: CommandOrigins,
): DeviceEvent | null {
  const kind = EVENT_KIND_OF_TOPIC[topic.kind];
  let push: unknown;
  try {
    push = JSON.parse(
      typeof packet.payload === 'string' ? packet.payload : packet.payload.toString('utf8'),
    );
  } catch {
    return null;
  }
  if (typeof push !== 'object' || push === null) return null;
  const { action, [kind === 'notification/insert' ? 'notification' : 'command']: data } =
    push as JsonObject;
  if (action !== kind || typeof data !== 'object' || data === null) return null;
  return {
    kind,
    networkId: topic.networkId,
    deviceTypeId: topic.deviceTypeId,
    deviceId: topic.deviceId,
    name: topic.name,
    data: data as JsonObject,
    originClientId:
      commandOriginOf(packet) ??
      (kind === 'command/update' ? (origins?.originOf((data as JsonObject)['id']) ?? null) : null),
  };
}
