import { mayReceiveEvent, type ClientSession } from '@dh-mqtt/broker';
import { TOPIC_KIND_OF_EVENT, subscriptionMatches, type DeviceEvent } from '@dh-mqtt/protocol';

/** Delivers one event of a request-made subscription. */
export type SubscriptionPush = (subscriptionId: number, event: DeviceEvent) => void;

/**
 * Routes a fabric event to a session's request-made subscriptions as the MQTT side does
 * (docs/topics/notification.md): only when the session's principal may see it; held for a
 * subscription whose reply is not sent yet, pushed for an active one.
 */
export function routeEvent(session: ClientSession, event: DeviceEvent, push: SubscriptionPush) {
  if (!mayReceiveEvent(session.principal, TOPIC_KIND_OF_EVENT[event.kind], event)) return;
  for (const pending of session.pendingSubscriptions.values()) {
    if (subscriptionMatches(pending.subscription, event)) session.hold(pending, event);
  }
  for (const subscription of session.requestSubscriptions.values()) {
    if (subscriptionMatches(subscription, event)) push(subscription.subscriptionId, event);
  }
}

/**
 * Activates the session's new subscriptions once their reply is sent: each delivers its replay,
 * then the live events held meanwhile (docs/api/subscriptions.md).
 */
export function activateSubscriptions(session: ClientSession, push: SubscriptionPush): void {
  for (const { subscription, events } of session.activateSubscriptions()) {
    for (const event of events) {
      if (!mayReceiveEvent(session.principal, TOPIC_KIND_OF_EVENT[event.kind], event)) continue;
      push(subscription.subscriptionId, event);
    }
  }
}
