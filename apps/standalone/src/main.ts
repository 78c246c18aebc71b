import 'reflect-metadata';
import {
  ConfigError,
  createLogger,
  installGracefulShutdown,
  loadStandaloneConfig,
} from '@dh-mqtt/runtime';
import { startStandalone } from './standalone';

/** `npm start`: the embedded default, broker + gateway + core in one process (DESIGN.md §2). */
async function main(): Promise<void> {
  const config = loadStandaloneConfig();
  const logger = createLogger({ level: config.logLevel, name: 'standalone' });
  const app = await startStandalone(config, { logger });
  installGracefulShutdown({
    logger,
    steps: app.shutdownSteps,
    timeoutMs: config.shutdownTimeoutMs,
  });
}

main().catch((err: unknown) => {
  // Before the logger exists (bad configuration) stderr is all there is.
  const message = err instanceof ConfigError ? err.message : `Failed to start: ${String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
