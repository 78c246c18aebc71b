import {
  OWNER_SEPARATOR,
  TOPIC_KIND_OF_EVENT,
  parseTopic,
  subscriptionMatches,
  type DeviceEvent,
  type EventTopic,
} from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import { mayReceiveEvent } from '../delivery/event-access';
import type { ClientSession } from '../session/client-session';
import { pushDirect } from './direct-push';
import { eventOfPacket, eventTopic, type RoutedPacket } from './event-packet';
import { hasPrivateEventFilter, privateFilterMatches } from './mqtt-filters';
import { pushPayload } from './push-payload';

/**
 * The pod-local half of event delivery: a listener on every event topic of the fabric that pushes
 * to this pod's connections what no MQTT filter routes (docs/topics/notification.md,
 * docs/topics/README.md):
 * - request-made subscriptions: one push per matching subscription, on the concrete event topic,
 *   carrying its `subscriptionId` (held while the subscription's reply is pending);
 * - private event filters (`…/{name}@{clientId}`): the event on the private topic.
 * Both only when the session's principal may see the event; a private `dh/command_update` filter
 * only for the command's origin. Only sessions in `pushTargets` are looked at.
 */
export function createLocalPushListener(ctx: BrokerContext) {
  return function onFabricEvent(packet: RoutedPacket, done: () => void): void {
    try {
      deliverLocally(ctx, packet);
    } catch (err) {
      ctx.logger.error({ err, topic: packet.topic }, 'local push failed');
    }
    done();
  };
}

function deliverLocally(ctx: BrokerContext, packet: RoutedPacket): void {
  const push = (session: ClientSession, topic: string, payload: object) =>
    pushDirect(ctx.brokerId, session, topic, payload);
  const targets = [...ctx.sessions.pushTargets()];
  if (targets.length === 0) return;
  const topic = parseTopic(packet.topic);
  if (!('networkId' in topic) || topic.owner !== null) return;
  const event = eventOfPacket(topic as EventTopic, packet, ctx.commandOrigins);
  if (event === null) return;
  for (const session of targets) {
    const client = session.client;
    if (!client || client.closed) {
      ctx.sessions.removePushTarget(session);
      continue;
    }
    if (!mayReceiveEvent(session.principal, topic.kind, event)) continue;
    pushToRequestSubscriptions(session, push, packet.topic, event);
    const privateTopic = packet.topic + OWNER_SEPARATOR + client.id;
    if (
      (topic.kind !== 'command_update' || event.originClientId === client.id) &&
      privateFilterMatches(client, privateTopic)
    ) {
      push(session, privateTopic, pushPayload(event, null));
    }
    if (!session.hasRequestSubscriptions() && !hasPrivateEventFilter(client)) {
      ctx.sessions.removePushTarget(session);
    }
  }
}

function pushToRequestSubscriptions(
  session: ClientSession,
  push: (session: ClientSession, topic: string, payload: object) => void,
  topic: string,
  event: DeviceEvent,
): void {
  for (const pending of session.pendingSubscriptions.values()) {
    if (subscriptionMatches(pending.subscription, event)) session.hold(pending, event);
  }
  for (const subscription of session.requestSubscriptions.values()) {
    if (subscriptionMatches(subscription, event)) {
      push(session, topic, pushPayload(event, subscription.subscriptionId));
    }
  }
}

/**
 * Activates the session's new request-made subscriptions once their reply is published
 * (docs/topics/notification.md): each first gets its replay (stored events, oldest first), then the
 * live events that matched while the reply was on its way, then everything live.
 */
export function activateRequestSubscriptions(ctx: BrokerContext, session: ClientSession): void {
  if (session.pendingSubscriptions.size === 0) return;
  for (const { subscription, events } of session.activateSubscriptions()) {
    for (const event of events) {
      const topic = eventTopic(event);
      if (topic === null) continue;
      if (!mayReceiveEvent(session.principal, TOPIC_KIND_OF_EVENT[event.kind], event)) continue;
      pushDirect(ctx.brokerId, session, topic, pushPayload(event, subscription.subscriptionId));
    }
  }
}
