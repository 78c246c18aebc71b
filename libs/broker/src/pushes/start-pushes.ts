import { EVENT_TOPIC_KINDS } from '@dh-mqtt/protocol';
import type { Client } from 'aedes';
import { localEmitOf } from '../aedes-internals';
import type { BrokerContext } from '../broker-context';
import { createLocalPushListener } from './local-pushes';
import { hasPrivateEventFilter } from './mqtt-filters';
import { publishEvent } from './publish-event';
import { FabricPushInterest } from './push-interest';

/**
 * Wires docs/topics/notification.md into a broker whose aedes listens: bus events are published
 * into the fabric (topic subscribers get them through `authorizeForward`), and every event topic of
 * the fabric is watched for this pod's request-made subscriptions and private event filters.
 * Resolves once the fabric listeners are registered.
 */
export async function startPushes(ctx: BrokerContext): Promise<void> {
  ctx.bus.onEvent((event) => publishEvent(ctx, event));
  const listener = createLocalPushListener(ctx);
  const each = (register: (topic: string, done: () => void) => void) =>
    Promise.all(
      EVENT_TOPIC_KINDS.map(
        (kind) => new Promise<void>((resolve) => register(`dh/${kind}/+/+/+/+`, () => resolve())),
      ),
    ).then(() => undefined);
  const listen = () => each((topic, done) => ctx.aedes.subscribe(topic, listener, done));
  if (isSharedEmitter(ctx)) {
    // Cluster: listen only while a session here needs it
    // (docs/adr/0009-event-listener-only-where-needed.md).
    const interest = new FabricPushInterest(listen, () =>
      each((topic, done) => ctx.aedes.unsubscribe(topic, listener, done)),
    );
    ctx.pushInterest = interest;
    ctx.sessions.watchTargets({
      added: () => void interest.hold(),
      removed: () => interest.release(),
    });
    ctx.aedes.once('closed', () => interest.close());
  } else {
    // In memory every publish is local anyway: listen for good.
    await listen();
  }
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

/** mqemitter-redis (shared between pods) keeps its local emit as `_emit`; aedes' own has none. */
function isSharedEmitter(ctx: BrokerContext): boolean {
  return localEmitOf(ctx.aedes) !== undefined;
}
