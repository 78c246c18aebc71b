import 'reflect-metadata';
import { createKafkaGatewayBus } from '@dh-mqtt/bus';
import {
  ConfigError,
  createLogger,
  installGracefulShutdown,
  loadClusterConfig,
  loadGatewayConfig,
} from '@dh-mqtt/runtime';
import { createGatewayApp } from './gateway-app';

/**
 * `npm run start:gateway`: one gateway pod of the cluster (DESIGN.md §1, §6), serving the broker
 * pods over Kafka with the DeviceHive core on PostgreSQL. Without `DH_DATABASE_URL` the core is
 * on PGlite in `DH_DATA_DIR`, which only one process can open: a single gateway pod, for trials.
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
  const logger = createLogger({ level: config.logLevel, name: 'gateway' });
  if (!config.databaseUrl) {
    logger.warn(
      { dataDir: config.dataDir },
      'DH_DATABASE_URL is not set: the core runs on PGlite in DH_DATA_DIR; run a single gateway pod',
    );
  }
  const bus = createKafkaGatewayBus({
    brokers: config.kafkaBrokers,
    namespace: cluster.kafkaNamespace,
    sessionTimeoutMs: cluster.kafkaSessionTimeoutMs,
    logger: logger.child({ component: 'bus' }),
  });
  const app = createGatewayApp(config, { bus, logger });
  const shutdown = installGracefulShutdown({
    logger,
    steps: app.shutdownSteps,
    timeoutMs: config.shutdownTimeoutMs,
  });
  await app.listenHealth();
  try {
    await app.start();
  } catch (err) {
    if (shutdown.shuttingDown) return;
    throw err;
  }
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `Failed to start: ${String(err)}`;
  process.stderr.write(`gateway: ${message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
