import { randomUUID } from 'node:crypto';
import type { BrokerBus } from '@dh-mqtt/bus';
import type { Reply, RequestMessage } from '@dh-mqtt/protocol';
import type { Logger } from '@dh-mqtt/runtime';
import type { Aedes, Client } from 'aedes';
import type { Registry } from 'prom-client';
import { wrapPersistence } from './aedes-internals';
import type { BrokerContext, BrokerSettings } from './broker-context';
import { DhAedes } from './dh-aedes';
import { createConnectHooks } from './hooks/authenticate';
import { createAuthorizeForward } from './hooks/authorize-forward';
import { createAuthorizePublish } from './hooks/authorize-publish';
import { createAuthorizeSubscribe } from './hooks/authorize-subscribe';
import { BrokerLimits, resolveLimitSettings } from './limits/broker-limits';
import { createLimitMetrics, type LimitMetrics, type LimitName } from './limits/limit-metrics';
import { limitOfflineQueue } from './limits/offline-queue';
import type { ReadHoldPolicy } from './limits/read-hold';
import { markRedeliveries } from './pushes/redeliveries';
import { startSessionExpiry, type SessionClock } from './limits/session-expiry';
import { observeLimitErrors, remoteAddressOf, withInflightWindow } from './limits/wiring';
import { BrokerMetrics, type DropReason } from './metrics/broker-metrics';
import { CommandOrigins, registerCommandOrigins } from './pushes/command-origins';
import { listenDeviceEvents, type DeviceEventListener } from './pushes/device-event-feed';
import { startPushes } from './pushes/start-pushes';
import { handleFaceRequest } from './requests/face-request';
import { coalesceWrites } from './transport/coalesce-writes';
import type { ClientSession } from './session/client-session';
import { ALWAYS_LISTENING } from './pushes/push-interest';
import { SessionRegistry } from './session/session-registry';
import { startSysCounters } from './sys/sys-counters';

/** Mosquitto's default `sys_interval`. */
const DEFAULT_SYS_INTERVAL_SECONDS = 10;

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
  /** Counters of connections, messages, requests and pushes; listeners report connections. */
  readonly metrics: BrokerMetrics;
  /** Serves one MQTT connection (TCP socket or WebSocket stream). */
  handle: Aedes['handle'];
  /** Number of connected clients. */
  connectedClients(): number;
  /**
   * Registers a listener for every device event of the fabric (another face of the broker side,
   * docs/adr/0012); resolves with the function that unregisters it.
   */
  onDeviceEvent(listener: DeviceEventListener): Promise<() => Promise<void>>;
  /**
   * Answers one request of a session of another face (docs/adr/0012) exactly as a `dh/request` of
   * an MQTT session; the session's effects (principal, pending subscriptions) are applied.
   */
  handleFaceRequest(session: ClientSession, request: RequestMessage): Promise<Reply>;
  /**
   * When another face's connection stops being read (ADR 0020): the same policy as an MQTT
   * connection's, from `DH_MAX_PENDING_REQUESTS`.
   */
  readHoldPolicy(): ReadHoldPolicy;
  /** Disconnects every client and stops aedes. Idempotent. Does not close the bus. */
  close(): Promise<void>;
}

/**
 * Builds the broker of docs/architecture.md: aedes with the DeviceHive hooks (authenticate,
 * authorizePublish/Subscribe/Forward) and request forwarding over `bus`. The bus is the caller's
 * to start and close.
 */
export async function createBroker(deps: BrokerDeps): Promise<DhBroker> {
  const id = deps.id ?? randomUUID();
  const logger = deps.logger.child({ component: 'broker', brokerId: id });
  const consumed = new WeakSet<object>();
  const limitSettings = resolveLimitSettings(deps.config);
  const metrics = new BrokerMetrics(deps.metrics);
  const limitMetrics = countDrops(createLimitMetrics(deps.metrics), metrics);
  const ctx: BrokerContext = {
    brokerId: id,
    bus: deps.bus,
    logger,
    settings: deps.config,
    sessions: new SessionRegistry(),
    limits: new BrokerLimits(limitSettings, limitMetrics, metrics, logger),
    consumed,
    metrics,
    aedes: undefined as unknown as Aedes,
    pushInterest: ALWAYS_LISTENING,
    commandOrigins: new CommandOrigins(),
  };
  if (deps.metrics) registerCommandOrigins(deps.metrics, ctx.commandOrigins);
  const aedes = new DhAedes(
    {
      id,
      persistence: deps.mqttState?.persistence,
      mq: deps.mqttState?.mq,
      connectTimeout: deps.config.connectTimeoutMs,
      // docs/reliability.md: a stalled subscriber must not block delivery to everyone else.
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
  wrapPersistence(aedes, (persistence: object) =>
    limitOfflineQueue(
      markRedeliveries(persistence, () => void (metrics.messagesRedelivered += 1)),
      {
        maxQueued: limitSettings.maxOfflineQueue,
        metrics: limitMetrics,
        queueLength: deps.offlineQueueLength,
        onQueued: (count) => void (metrics.messagesQueued += count),
      },
    ),
  );
  observeLimitErrors(ctx);
  const expiry = startSessionExpiry(aedes, {
    expirySeconds: limitSettings.sessionExpirySeconds,
    metrics: limitMetrics,
    logger,
    clock: deps.mqttState?.sessionClock,
  });
  await startPushes(ctx);
  const sys = startSysCounters(ctx, deps.config.sysIntervalSeconds ?? DEFAULT_SYS_INTERVAL_SECONDS);
  const handle: Aedes['handle'] = (conn, req) => {
    // docs/reliability.md: a flood from one address is cut before aedes allocates a client for it.
    if (!ctx.limits.admitConnection(remoteAddressOf(conn as object, req))) {
      metrics.connect('refused_by_limit');
      conn.on('error', () => undefined);
      conn.destroy();
      return undefined as unknown as Client;
    }
    const client = aedes.handle(coalesceWrites(conn, 'end-of-turn'), req);
    ctx.limits.inflight.install(client);
    return client;
  };

  let closing: Promise<void> | undefined;
  return {
    id,
    aedes,
    metrics,
    handle,
    connectedClients: () => aedes.connectedClients,
    onDeviceEvent: (listener) => listenDeviceEvents(ctx, listener),
    handleFaceRequest: (session, request) => handleFaceRequest(ctx, session, request),
    readHoldPolicy: () => ctx.limits.readHold,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        expiry.stop();
        sys.stop();
        aedes.close(() => resolve());
      })),
  };
}

/** Limits that drop a message, and the drop reason they count as. */
const DROPPING_LIMITS: Partial<Record<LimitName, DropReason>> = {
  offline_queue: 'limit',
  inflight_queue: 'limit',
  packet_size: 'too_large',
};

/** Limit hits that drop a message also count as dropped messages. */
function countDrops(limits: LimitMetrics, metrics: BrokerMetrics): LimitMetrics {
  return {
    hit(limit, count = 1) {
      limits.hit(limit, count);
      const reason = DROPPING_LIMITS[limit];
      if (reason) metrics.drop(reason, count);
    },
  };
}

function observe(aedes: Aedes, logger: Logger): void {
  // One line per session that starts and ends (docs/operations.md, "Logs"); refused CONNECTs
  // are logged by the authenticate hook.
  // A closed socket forgets its peer address: it is kept from the connect.
  const addresses = new WeakMap<Client, string | undefined>();
  aedes.on('clientReady', (client: Client) => {
    const remoteAddress = remoteAddressOf(client.conn, client.req);
    addresses.set(client, remoteAddress);
    logger.info({ clientId: client.id, remoteAddress }, 'client connected');
  });
  aedes.on('clientDisconnect', (client: Client) => {
    logger.info(
      { clientId: client.id, remoteAddress: addresses.get(client) },
      'client disconnected',
    );
  });
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
