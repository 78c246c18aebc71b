import 'reflect-metadata';
import { createRedisMqttState } from '@dh-mqtt/broker';
import { createKafkaBrokerBus, KafkaMetrics } from '@dh-mqtt/bus';
import {
  ConfigError,
  createLogger,
  createMetricsRegistry,
  loadBrokerConfig,
  loadClusterConfig,
  runMain,
  startWithShutdown,
} from '@dh-mqtt/runtime';
import { createBrokerApp } from './broker-app';

/**
 * `npm run start:broker`: one broker pod of the cluster (docs/architecture.md, docs/design.md).
 * Kafka is required (the gateways are on its other end); Redis is what lets several pods share
 * sessions, so without `DH_REDIS_URL` the pod runs alone with its MQTT state in memory, and says
 * so.
 */
async function main(): Promise<void> {
  const config = loadBrokerConfig();
  const cluster = loadClusterConfig();
  if (!config.kafkaBrokers) {
    throw new ConfigError(
      'DH_KAFKA_BROKERS',
      'is not set: a broker pod reaches the gateways through Kafka (run `npm start` for the embedded mode)',
    );
  }
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    name: 'broker',
  }).child({
    brokerId: cluster.brokerId,
  });
  if (!config.redisUrl) {
    logger.warn(
      'DH_REDIS_URL is not set: MQTT sessions live in this pod only; run a single broker pod',
    );
  }
  const metrics = createMetricsRegistry({ app: 'broker' });
  const bus = createKafkaBrokerBus({
    kafkaMetrics: new KafkaMetrics(metrics),
    brokers: config.kafkaBrokers,
    brokerId: cluster.brokerId,
    namespace: cluster.kafkaNamespace,
    sessionTimeoutMs: cluster.kafkaSessionTimeoutMs,
    // Batches at a moderate rate, a few ms at most per hop (docs/adr/0022).
    fetchIntervalMs: cluster.kafkaFetchIntervalMs,
    produceIntervalMs: cluster.kafkaProduceIntervalMs,
    partitions: cluster.kafkaPartitions,
    ...cluster.kafkaSecurity,
    // The pod's Redis reply channel: gateways with DH_REDIS_URL reply through it (ADR 0013).
    ...(config.redisUrl ? { redisReplies: { url: config.redisUrl } } : {}),
    logger: logger.child({ component: 'bus' }),
  });
  const mqttState = config.redisUrl
    ? createRedisMqttState({ url: config.redisUrl, brokerId: cluster.brokerId, logger })
    : undefined;
  // With a certificate, SIGHUP reloads it once the listeners are up (docs/security.md); while the
  // pod waits for Kafka and Redis, and during the drain, it must not end the process (Node's
  // default for SIGHUP).
  if (config.tls) process.on('SIGHUP', () => undefined);
  const app = createBrokerApp(config, {
    bus,
    logger,
    mqttState,
    brokerId: cluster.brokerId,
    metrics,
  });
  await startWithShutdown(app, { logger, timeoutMs: config.shutdownTimeoutMs });
}

void runMain(main);
