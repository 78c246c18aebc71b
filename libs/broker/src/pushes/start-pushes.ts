import { EVENT_TOPIC_KINDS } from '@dh-mqtt/protocol';
import type { Client } from 'aedes';
import type { BrokerContext } from '../broker-context';
import { createLocalPushListener } from './local-pushes';
import { hasPrivateEventFilter } from './mqtt-filters';
import { publishEvent } from './publish-event';

/**
 * Wires mqtt-api.md §5 into a broker whose aedes listens: bus events are published into the
 * fabric (topic subscribers get them through `authorizeForward`), and every event topic of the
 * fabric is watched for this pod's request-made subscriptions and private event filters.
 * Resolves once the fabric listeners are registered.
 */
export async function startPushes(ctx: BrokerContext): Promise<void> {
  ctx.bus.onEvent((event) => publishEvent(ctx, event));
  const listener = createLocalPushListener(ctx);
  await Promise.all(
    EVENT_TOPIC_KINDS.map(
      (kind) =>
        new Promise<void>((resolve) => {
          ctx.aedes.subscribe(`dh/${kind}/+/+/+/+`, listener, () => resolve());
        }),
    ),
  );
  const track = (client: Client) => {
    const session = ctx.sessions.get(client);
    if (session && hasPrivateEventFilter(client)) ctx.sessions.addPushTarget(session);
  };
  // 'client' covers the filters a persistent session gets back on CONNECT (no 'subscribe' then).
  ctx.aedes.on('client', track);
  ctx.aedes.on('subscribe', (_subscriptions, client) => track(client));
  ctx.aedes.on('clientDisconnect', (client) => {
    const session = ctx.sessions.get(client);
    if (session) ctx.sessions.removePushTarget(session);
  });
}
