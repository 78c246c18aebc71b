import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';
import { eventPacket } from './event-packet';

/**
 * Publishes one bus event into the MQTT fabric, once (docs/architecture.md "Device events": the bus
 * hands each event to one broker pod; the shared mqemitter carries it to every pod, where
 * `authorizeForward` and the pod-local pushes decide per subscriber). Resolves once aedes has
 * routed it. An event whose name cannot be a topic level is dropped with a warning.
 */
export function publishEvent(ctx: BrokerContext, event: DeviceEvent): Promise<void> {
  const packet = eventPacket(event);
  if (packet === null) {
    ctx.logger.warn({ kind: event.kind, deviceId: event.deviceId }, 'event without a topic');
    return Promise.resolve();
  }
  if (ctx.aedes.closed) return Promise.resolve();
  return new Promise((resolve) => {
    ctx.aedes.publish(packet, (err) => {
      if (err) ctx.logger.error({ err, topic: packet.topic }, 'event not published');
      resolve();
    });
  });
}
