import { randomUUID } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';
import type { Logger } from '@dh-mqtt/runtime';
import type { Aedes, Client } from 'aedes';
import type { BrokerContext, BrokerSettings } from './broker-context';
import { DhAedes } from './dh-aedes';
import { createAuthenticate } from './hooks/authenticate';
import { createAuthorizeForward } from './hooks/authorize-forward';
import { createAuthorizePublish } from './hooks/authorize-publish';
import { createAuthorizeSubscribe } from './hooks/authorize-subscribe';
import { startPushes } from './pushes/start-pushes';
import { SessionRegistry } from './session/session-registry';

export interface BrokerDeps {
  bus: BrokerBus;
  logger: Logger;
  config: BrokerSettings;
  /** Broker id (aedes id, `brokerId` of envelopes); a random UUID by default. */
  id?: string;
}

/** A ready DeviceHive MQTT broker: feed it connections (`handle`), it does not listen itself. */
export interface DhBroker {
  readonly id: string;
  /** The aedes instance (for transports and tests). */
  readonly aedes: Aedes;
  /** Serves one MQTT connection (TCP socket or WebSocket stream). */
  handle: Aedes['handle'];
  /** Number of connected clients. */
  connectedClients(): number;
  /** Disconnects every client and stops aedes. Idempotent. Does not close the bus. */
  close(): Promise<void>;
}

/**
 * Builds the broker of DESIGN.md §1: aedes with the DeviceHive hooks (authenticate,
 * authorizePublish/Subscribe/Forward) and request forwarding over `bus`. The bus is the caller's
 * to start and close.
 */
export async function createBroker(deps: BrokerDeps): Promise<DhBroker> {
  const id = deps.id ?? randomUUID();
  const logger = deps.logger.child({ component: 'broker', brokerId: id });
  const consumed = new WeakSet<object>();
  const ctx: BrokerContext = {
    brokerId: id,
    bus: deps.bus,
    logger,
    settings: deps.config,
    sessions: new SessionRegistry(),
    consumed,
    aedes: undefined as unknown as Aedes,
  };
  const aedes = new DhAedes(
    {
      id,
      connectTimeout: deps.config.connectTimeoutMs,
      // mqtt-api.md §7: a stalled subscriber must not block delivery to everyone else.
      drainTimeout: 30_000,
      authenticate: createAuthenticate(ctx),
      authorizePublish: createAuthorizePublish(ctx),
      authorizeSubscribe: createAuthorizeSubscribe(ctx),
      authorizeForward: createAuthorizeForward(ctx),
    },
    consumed,
  );
  ctx.aedes = aedes;
  observe(aedes, logger);
  await aedes.listen();
  await startPushes(ctx);

  let closing: Promise<void> | undefined;
  return {
    id,
    aedes,
    handle: aedes.handle,
    connectedClients: () => aedes.connectedClients,
    close: () => (closing ??= new Promise<void>((resolve) => aedes.close(() => resolve()))),
  };
}

function observe(aedes: Aedes, logger: Logger): void {
  aedes.on('clientError', (client: Client, err: Error) => {
    logger.debug({ clientId: client.id, err: err.message }, 'client error');
  });
  aedes.on('connectionError', (_client: Client, err: Error) => {
    logger.debug({ err: err.message }, 'connection error');
  });
  aedes.on('error' as 'closed', (err?: unknown) => {
    logger.error({ err }, 'aedes error');
  });
}
