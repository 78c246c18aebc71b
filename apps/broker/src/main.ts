import type { BrokerBus } from '@dh-mqtt/bus';
import {
  ConfigError,
  createLogger,
  installGracefulShutdown,
  loadBrokerConfig,
  type BrokerConfig,
} from '@dh-mqtt/runtime';
import { startBrokerApp } from './broker-app';

/**
 * The bus of a broker pod. Only Kafka makes sense here (the in-process bus has no gateway on the
 * other end); the Kafka bus comes with its own issue, until then this refuses to start.
 */
function busFromConfig(config: BrokerConfig): BrokerBus {
  if (!config.kafkaBrokers) {
    throw new ConfigError(
      'DH_KAFKA_BROKERS',
      'is not set: a broker pod reaches the gateways through Kafka (run `npm start` for the embedded mode)',
    );
  }
  throw new Error('the Kafka bus is not implemented yet; run `npm start` for the embedded mode');
}

/** `npm run start:broker`: one broker pod of the cluster (DESIGN.md §1). */
async function main(): Promise<void> {
  const config = loadBrokerConfig();
  const bus = busFromConfig(config);
  const logger = createLogger({ level: config.logLevel, name: 'broker' });
  const app = await startBrokerApp(config, { bus, logger });
  installGracefulShutdown({
    logger,
    steps: app.shutdownSteps,
    timeoutMs: config.shutdownTimeoutMs,
  });
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : `Failed to start: ${String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
