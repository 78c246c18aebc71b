import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createFabricPublisher, createRedisMqttState } from '@dh-mqtt/broker';
import {
  createKafkaGatewayBus,
  createKafkaLease,
  GatewayKafkaMetrics,
  KAFKA_LEASES,
} from '@dh-mqtt/bus';
import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadClusterConfig,
  loadGatewayConfig,
  runMain,
  startWithShutdown,
} from '@dh-mqtt/runtime';
import { createGatewayApp } from './gateway-app';

/**
 * `npm run start:gateway`: one gateway pod of the cluster (docs/architecture.md, docs/design.md),
 * serving the broker pods over Kafka with the DeviceHive core on PostgreSQL. Without
 * `DH_DATABASE_URL` the core is on PGlite in `DH_DATA_DIR`, which only one process can open: a
 * single gateway pod, for trials. With `DH_DEVICEHIVE_URL` an existing DeviceHive server is the
 * backend and no database is opened (docs/adr/0014).
 */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const cluster = loadClusterConfig();
  if (!config.kafkaBrokers) {
    throw new ConfigError(
      'DH_KAFKA_BROKERS',
      'is not set: the gateway role serves brokers over Kafka (run `npm start` for the embedded mode)',
    );
  }
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    name: 'gateway',
  });
  if (!config.databaseUrl && !config.remote) {
    logger.warn(
      { dataDir: config.dataDir },
      'DH_DATABASE_URL is not set: the core runs on PGlite in DH_DATA_DIR; run a single gateway pod',
    );
  }
  const metrics = createMetricsRegistry({ app: 'gateway' });
  const bus = createKafkaGatewayBus({
    kafkaMetrics: new GatewayKafkaMetrics(metrics),
    brokers: config.kafkaBrokers,
    namespace: cluster.kafkaNamespace,
    sessionTimeoutMs: cluster.kafkaSessionTimeoutMs,
    // Batches at a moderate rate, a few ms at most per hop (docs/adr/0022).
    fetchIntervalMs: cluster.kafkaFetchIntervalMs,
    produceIntervalMs: cluster.kafkaProduceIntervalMs,
    partitions: cluster.kafkaPartitions,
    eventFeed: cluster.kafkaEventFeed,
    ...cluster.kafkaSecurity,
    // Replies straight to the owning broker pod through Redis, Kafka as the fallback (ADR 0013).
    ...(config.redisUrl ? { redisReplies: { url: config.redisUrl } } : {}),
    logger: logger.child({ component: 'bus' }),
  });
  if (!config.redisUrl) {
    logger.info('DH_REDIS_URL is not set: every reply goes over Kafka (docs/adr/0013)');
  }
  // Remote mode: one gateway pod of the deployment runs the server's event stream (docs/adr/0015).
  const brokers = config.kafkaBrokers;
  const leaseEvents = config.remote
    ? (hooks: { onAcquired(): void; onReleased(): Promise<void> }) =>
        createKafkaLease({
          brokers,
          namespace: cluster.kafkaNamespace,
          sessionTimeoutMs: cluster.kafkaSessionTimeoutMs,
          ...cluster.kafkaSecurity,
          logger: logger.child({ component: 'remote-events-lease' }),
          lease: KAFKA_LEASES.remoteEvents,
          ...hooks,
        })
    : undefined;
  // docs/adr/0021: with Redis the gateway publishes its pushes into the MQTT fabric itself. A
  // remote DeviceHive's actions have no events of their own (its stream's go through the brokers).
  const redisUrl = config.redisUrl;
  const openPushes =
    redisUrl && !config.remote
      ? async (shutdown: AbortSignal) => {
          // An aedes id of its own among the pods sharing the fabric.
          const id = `gateway-${hostname()}-${randomUUID().slice(0, 8)}`;
          const pushesLogger = logger.child({ component: 'pushes' });
          const state = createRedisMqttState({ url: redisUrl, brokerId: id, logger: pushesLogger });
          // A Redis that never answers must not hold the pod's shutdown: ready() then rejects.
          const abandon = () => void state.close();
          shutdown.addEventListener('abort', abandon, { once: true });
          try {
            await state.ready().finally(() => shutdown.removeEventListener('abort', abandon));
            return await createFabricPublisher({
              state,
              id,
              logger: pushesLogger,
              maxOfflineQueue: config.maxOfflineQueue,
              metrics,
            });
          } catch (err) {
            await state.close();
            throw err;
          }
        }
      : undefined;
  const app = createGatewayApp(config, { bus, logger, metrics, leaseEvents, openPushes });
  await startWithShutdown(app, { logger, timeoutMs: config.shutdownTimeoutMs });
}

void runMain(main, { stderrPrefix: 'gateway: ', configErrorExitCode: 2 });
