// The gateway role of the cluster (DESIGN.md §1): a NestJS microservice serving brokers over
// Kafka. The Kafka bus comes with the cluster issue; until then this main refuses to start with
// a message that says so, rather than pretending to serve. `npm start` runs everything in one
// process (broker + gateway + core over the in-process bus).
import 'reflect-metadata';
import { ConfigError, createLogger, loadGatewayConfig, type GatewayConfig } from '@dh-mqtt/runtime';

const EXIT_CONFIG = 2;
const EXIT_UNAVAILABLE = 1;

function main(): number {
  let config: GatewayConfig;
  try {
    config = loadGatewayConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`gateway: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  const logger = createLogger({ name: 'gateway', level: config.logLevel });
  if (!config.kafkaBrokers) {
    logger.fatal(
      'the gateway role serves brokers over Kafka: set DH_KAFKA_BROKERS (or run `npm start` for the embedded single process)',
    );
    return EXIT_CONFIG;
  }
  logger.fatal(
    { kafkaBrokers: config.kafkaBrokers },
    'the Kafka bus is not implemented yet (cluster issue): the gateway cannot serve brokers; use `npm start` for the embedded single process',
  );
  return EXIT_UNAVAILABLE;
}

process.exitCode = main();
