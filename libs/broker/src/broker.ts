import { randomUUID } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';
import type { Logger } from '@dh-mqtt/runtime';
import type { Aedes, Client } from 'aedes';
import type { Registry } from 'prom-client';
import type { BrokerContext, BrokerSettings } from './broker-context';
import { DhAedes } from './dh-aedes';
import { createConnectHooks } from './hooks/authenticate';
import { createAuthorizeForward } from './hooks/authorize-forward';
import { createAuthorizePublish } from './hooks/authorize-publish';
import { createAuthorizeSubscribe } from './hooks/authorize-subscribe';
import { BrokerLimits, resolveLimitSettings } from './limits/broker-limits';
import { createLimitMetrics } from './limits/limit-metrics';
import { limitOfflineQueue } from './limits/offline-queue';
import { startSessionExpiry, type SessionClock } from './limits/session-expiry';
import { observeLimitErrors, remoteAddressOf, withInflightWindow } from './limits/wiring';
import { startPushes } from './pushes/start-pushes';
import { ALWAYS_LISTENING } from './pushes/push-interest';
import { SessionRegistry } from './session/session-registry';

export interface BrokerDeps {
  bus: BrokerBus;
  logger: Logger;
  config: BrokerSettings;
  /** Broker id (aedes id, `brokerId` of envelopes); a random UUID by default. */
  id?: string;
  /**
   * Shared MQTT state of the cluster (`createRedisMqttState`); in memory when absent. The broker
   * closes `mq` on `close()`, not `persistence` (its owner destroys it afterwards);
   * `sessionClock` lets any pod expire a persistent session that left another one.
   */
  mqttState?: { persistence?: object; mq?: object; sessionClock?: SessionClock };
  /** The app's Prometheus registry: limit hits are counted there (`dh_broker_limit_hits_total`). */
  metrics?: Registry;
  /** Stored queue length of a session for `DH_MAX_OFFLINE_QUEUE` with a shared persistence. */
  offlineQueueLength?: (clientId: string) => Promise<number>;
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
  const limitSettings = resolveLimitSettings(deps.config);
  const limitMetrics = createLimitMetrics(deps.metrics);
  const ctx: BrokerContext = {
    brokerId: id,
    bus: deps.bus,
    logger,
    settings: deps.config,
    sessions: new SessionRegistry(),
    limits: new BrokerLimits(limitSettings, limitMetrics),
    consumed,
    aedes: undefined as unknown as Aedes,
    pushInterest: ALWAYS_LISTENING,
  };
  const aedes = new DhAedes(
    {
      id,
      persistence: deps.mqttState?.persistence,
      mq: deps.mqttState?.mq,
      connectTimeout: deps.config.connectTimeoutMs,
      // mqtt-api.md §7: a stalled subscriber must not block delivery to everyone else.
      drainTimeout: 30_000,
      ...createConnectHooks(ctx),
      authorizePublish: createAuthorizePublish(ctx),
      authorizeSubscribe: createAuthorizeSubscribe(ctx),
      authorizeForward: withInflightWindow(ctx, createAuthorizeForward(ctx)),
      maxTopicLevels: limitSettings.maxTopicLevels,
    },
    consumed,
  );
  ctx.aedes = aedes;
  observe(aedes, logger);
  await aedes.listen();
  const stateful = aedes as DhAedes & { persistence: object };
  stateful.persistence = limitOfflineQueue(stateful.persistence, {
    maxQueued: limitSettings.maxOfflineQueue,
    metrics: limitMetrics,
    queueLength: deps.offlineQueueLength,
  });
  observeLimitErrors(ctx);
  const expiry = startSessionExpiry(aedes, {
    expirySeconds: limitSettings.sessionExpirySeconds,
    metrics: limitMetrics,
    logger,
    clock: deps.mqttState?.sessionClock,
  });
  await startPushes(ctx);
  const handle: Aedes['handle'] = (conn, req) => {
    // mqtt-api.md §7: a flood from one address is cut before aedes allocates a client for it.
    if (!ctx.limits.admitConnection(remoteAddressOf(conn as object, req))) {
      conn.on('error', () => undefined);
      conn.destroy();
      return undefined as unknown as Client;
    }
    const client = aedes.handle(conn, req);
    ctx.limits.inflight.install(client);
    return client;
  };

  let closing: Promise<void> | undefined;
  return {
    id,
    aedes,
    handle,
    connectedClients: () => aedes.connectedClients,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        expiry.stop();
        aedes.close(() => resolve());
      })),
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
