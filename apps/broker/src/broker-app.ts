import {
  RedisMetrics,
  connackFirst,
  createBroker,
  deduplicateEvents,
  drainRequests,
  startListeners,
  type BoundListeners,
  type DhBroker,
  type RedisMqttState,
} from '@dh-mqtt/broker';
import { createApiServer, type ApiServer } from '@dh-mqtt/http-api';
import type { Registry } from 'prom-client';
import {
  registerBusMetrics,
  registerKafkaBusMetrics,
  registerReplyMetrics,
  type BrokerBus,
  type KafkaBusCounters,
} from '@dh-mqtt/bus';
import {
  HealthChecks,
  closeServer,
  createHttpServer,
  createMetricsRegistry,
  listen,
  registerCounterFrom,
  type BrokerConfig,
  type Logger,
  type ShutdownStep,
} from '@dh-mqtt/runtime';

/** The bus of a broker pod; `ready` (the Kafka bus has it) feeds the readiness probe. */
export type PodBus = BrokerBus & {
  readonly ready?: boolean;
  /** The Kafka bus's running totals, exported on `/metrics`. */
  counters?(): KafkaBusCounters;
};

export interface BrokerAppDeps {
  bus: PodBus;
  logger: Logger;
  /** Shared MQTT state of the cluster (`createRedisMqttState`); in memory when absent. */
  mqttState?: RedisMqttState;
  /** aedes id and `brokerId` of envelopes; must match the bus's and the state's. */
  brokerId?: string;
  /** The pod's Prometheus registry, shared with the bus's Kafka metrics; a new one by default. */
  metrics?: Registry;
}

/** The ports actually bound (differ from the config when it asked for 0). */
export interface BrokerPorts {
  mqtt: number;
  ws: number;
  http: number;
  /** Only when a certificate is configured. */
  tls?: number;
  /** MQTT over secure WebSocket; only when a certificate is configured. */
  wss?: number;
  /** DeviceHive's REST and WebSocket APIs (docs/adr/0012); absent when `DH_API_PORT=off`. */
  api?: number;
}

/** A broker pod, built: the health endpoint listens at once, the rest comes with `start()`. */
export interface BrokerApp {
  /** The health endpoint's port, bound by `listenHealth()`. */
  readonly healthPort: number | undefined;
  /** Set once `start()` has finished. */
  readonly ports: BrokerPorts | undefined;
  readonly broker: DhBroker | undefined;
  /** Binds `/healthz`, `/readyz` (503 until started) and `/metrics`; resolves with the port. */
  listenHealth(): Promise<number>;
  /**
   * Waits for Redis and Kafka (each retried with backoff, logged, never thrown while merely
   * unreachable), then builds the broker and binds the MQTT listeners. Rejects when shutdown
   * starts first, or on a real fault (a port taken, a bad certificate).
   */
  start(): Promise<BrokerPorts>;
  /**
   * The graceful drain, in order, valid at any point of the start: readiness off, stop accepting
   * connections, let requests in flight get their replies (bounded), disconnect the sessions
   * (persistent ones stay in Redis and resume on another pod), close the bus, the Redis state
   * and the health endpoint.
   */
  readonly shutdownSteps: readonly ShutdownStep[];
}

/**
 * Builds a broker pod (docs/architecture.md): nothing listens before `listenHealth()` / `start()`.
 */
export function createBrokerApp(config: BrokerConfig, deps: BrokerAppDeps): BrokerApp {
  const { logger, mqttState } = deps;
  const bus = mqttState ? deduplicateEvents(deps.bus, mqttState.once) : deps.bus;
  const metrics = deps.metrics ?? createMetricsRegistry({ app: 'broker' });
  registerBusMetrics(metrics, deps.bus);
  if (mqttState) observeRedis(metrics, mqttState);
  const { counters } = deps.bus;
  if (counters) {
    registerKafkaBusMetrics(metrics, () => counters.call(deps.bus));
    registerReplyMetrics(metrics, 'broker', () => counters.call(deps.bus));
  }
  if (mqttState) {
    registerCounterFrom(
      metrics,
      {
        name: 'dh_fabric_messages_published_total',
        help: 'Messages this pod published into the shared MQTT fabric (Redis PUBLISH)',
      },
      () => mqttState.fabricCounters().published,
    );
    registerCounterFrom(
      metrics,
      {
        name: 'dh_fabric_messages_received_total',
        help: 'Messages this pod received from the shared MQTT fabric (its own included)',
      },
      () => mqttState.fabricCounters().received,
    );
  }
  const checks = new HealthChecks();
  let started = false;
  let shuttingDown = false;
  let broker: DhBroker | undefined;
  let ports: BrokerPorts | undefined;
  let healthPort: number | undefined;
  let listeners: BoundListeners | undefined;
  let api: ApiServer | undefined;

  checks.register('started', () => started);
  if (mqttState) checks.register('redis', () => mqttState.isReady());
  if (deps.bus.ready !== undefined) checks.register('kafka', () => deps.bus.ready === true);
  checks.register('broker', () => broker !== undefined && !broker.aedes.closed);
  const http = createHttpServer({ checks, metrics, isShuttingDown: () => shuttingDown });

  const abortIfShuttingDown = () => {
    if (shuttingDown) throw new Error('shutdown started before the broker was up');
  };

  async function start(): Promise<BrokerPorts> {
    if (mqttState) {
      logger.info('waiting for Redis');
      await mqttState.ready();
    }
    abortIfShuttingDown();
    logger.info('waiting for the bus');
    await bus.start();
    abortIfShuttingDown();
    broker = await createBroker({
      bus,
      logger,
      config,
      metrics,
      id: deps.brokerId,
      mqttState,
      offlineQueueLength: mqttState?.offlineQueueLength,
    });
    abortIfShuttingDown();
    // With a shared emitter a message can come back between a resumed session's subscriptions
    // and its CONNACK; the transports get the connections through connackFirst.
    const serve = mqttState ? connackFirst(broker) : broker;
    listeners = await startListeners(broker, config, { logger, metrics, serve });
    const bound: BrokerPorts = { ...listeners.ports, http: healthPort ?? 0 };
    if (config.apiPort !== null) {
      // docs/adr/0012: the broker pods serve the REST and WebSocket APIs beside MQTT.
      api = createApiServer({
        face: broker,
        logger,
        maxRequestSize: config.maxRequestSize,
        metrics,
      });
      bound.api = await listen(api.server, config.apiPort, config.host, 'DH_API_PORT');
    }
    ports = bound;
    started = true;
    logger.info(
      { ports, wsPath: config.wsPath, host: config.host, brokerId: broker.id },
      'broker listening',
    );
    return bound;
  }

  async function closeApi(): Promise<void> {
    if (!api) return;
    const closed = closeServer(api.server);
    api.closeConnections();
    await closed;
  }

  return {
    get healthPort() {
      return healthPort;
    },
    get ports() {
      return ports;
    },
    get broker() {
      return broker;
    },
    listenHealth: async () =>
      (healthPort ??= await listen(http, config.httpPort, config.host, 'DH_HTTP_PORT')),
    start,
    shutdownSteps: [
      { name: 'readiness', close: () => void (shuttingDown = true) },
      { name: 'listeners', close: () => listeners?.stopAccepting() },
      { name: 'api', close: closeApi },
      {
        name: 'requests',
        close: () => drainRequests(() => broker?.metrics.pendingRequests ?? 0, config, logger),
      },
      { name: 'broker', close: () => broker?.close() },
      { name: 'bus', close: () => bus.close() },
      { name: 'redis', close: () => mqttState?.close() },
      { name: 'http', close: () => closeServer(http) },
    ],
  };
}

/** {@link createBrokerApp}, health endpoint and start in one (tests, simple mains). */
export async function startBrokerApp(
  config: BrokerConfig,
  deps: BrokerAppDeps,
): Promise<BrokerApp & { ports: BrokerPorts; broker: DhBroker }> {
  const app = createBrokerApp(config, deps);
  await app.listenHealth();
  await app.start();
  return app as BrokerApp & { ports: BrokerPorts; broker: DhBroker };
}

/** `dh_redis_*` of the pod, over its three Redis connections (docs/operations.md). */
function observeRedis(metrics: Registry, mqttState: RedisMqttState): void {
  const redis = new RedisMetrics(metrics, () => mqttState.isReady());
  for (const { role, connection } of mqttState.connections) redis.observe(connection, role);
}
