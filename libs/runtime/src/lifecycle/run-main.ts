import { ConfigError } from '../config/env-reader';
import {
  installGracefulShutdown,
  type GracefulShutdown,
  type GracefulShutdownOptions,
  type ShutdownStep,
} from './graceful-shutdown';

export interface RunMainOptions {
  /** Put before the stderr line, e.g. `gateway: `. */
  stderrPrefix?: string;
  /** The exit code of a bad configuration (default 1); any other failure to start exits with 1. */
  configErrorExitCode?: number;
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
  /** Injected for tests; defaults to process.stderr. */
  stderr?: Pick<NodeJS.WritableStream, 'write'>;
}

/**
 * Runs a process entry point. A failure to start is one line on stderr (before the logger exists,
 * a bad configuration has nowhere else to go) and a non-zero exit.
 */
export function runMain(main: () => Promise<void>, options: RunMainOptions = {}): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stderr = options.stderr ?? process.stderr;
  return main().catch((err: unknown) => {
    const message = err instanceof ConfigError ? err.message : `Failed to start: ${String(err)}`;
    stderr.write(`${options.stderrPrefix ?? ''}${message}\n`);
    exit(err instanceof ConfigError ? (options.configErrorExitCode ?? 1) : 1);
  });
}

/** A pod as built by an app: health first, the rest with `start()`, drained by the steps. */
export interface StartableApp {
  readonly shutdownSteps: readonly ShutdownStep[];
  listenHealth(): Promise<unknown>;
  start(): Promise<unknown>;
}

/**
 * Starts a cluster pod with signals handled from the outset: a pod stopped while it still waits
 * for Redis or Kafka shuts down cleanly instead of being killed mid-connect, and the start that
 * shutdown interrupts is not a failure.
 */
export async function startWithShutdown(
  app: StartableApp,
  options: Omit<GracefulShutdownOptions, 'steps'>,
): Promise<GracefulShutdown> {
  const shutdown = installGracefulShutdown({ ...options, steps: app.shutdownSteps });
  await app.listenHealth();
  try {
    await app.start();
  } catch (err) {
    if (!shutdown.shuttingDown) throw err;
  }
  return shutdown;
}
