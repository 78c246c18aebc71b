import 'reflect-metadata';
import {
  createLogger,
  installGracefulShutdown,
  loadStandaloneConfig,
  runMain,
} from '@dh-mqtt/runtime';
import { startStandalone } from './standalone';

/** `npm start`: the embedded default, broker + gateway + core in one process (docs/design.md). */
async function main(): Promise<void> {
  const config = loadStandaloneConfig();
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    name: 'standalone',
  });
  // With a certificate, SIGHUP reloads it once the listeners are up (docs/security.md); while the
  // process starts, and during shutdown, it must not end it (Node's default for SIGHUP).
  if (config.tls) process.on('SIGHUP', () => undefined);
  const app = await startStandalone(config, { logger });
  const shutdown = installGracefulShutdown({
    logger,
    steps: app.shutdownSteps,
    timeoutMs: config.shutdownTimeoutMs,
  });
  // The gateway thread died (docs/adr/0016): no request can be answered any more. Close what is
  // left and exit non-zero, so the supervisor restarts a whole, consistent process.
  void app.gatewayLost.then(async () => {
    await shutdown.shutdown('gateway thread lost');
    process.exit(1);
  });
}

void runMain(main);
