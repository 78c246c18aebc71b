import type { DeviceEvent, PushMessage } from '@dh-mqtt/protocol';

/**
 * The push of docs/api/subscriptions.md for an event: `{action, notification|command,
 * subscriptionId}` in the reference key order. `subscriptionId` is the request-made subscription's
 * id, or null for MQTT topic subscribers (they subscribed by filter, not by id; the key is still
 * there, because clients tell pushes from replies by it, docs/api/README.md).
 */
export function pushPayload(event: DeviceEvent, subscriptionId: number | null): PushMessage {
  const object = event.kind === 'notification/insert' ? 'notification' : 'command';
  return { action: event.kind, [object]: event.data, subscriptionId } as PushMessage;
}
