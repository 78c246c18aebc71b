import type { Logger } from '../logging/logger';

/** One part to close, in order (listeners first, storage last). */
export interface ShutdownStep {
  name: string;
  close: () => Promise<void> | void;
}

export interface GracefulShutdownOptions {
  logger: Logger;
  steps: readonly ShutdownStep[];
  /** The whole sequence must finish within this, or the process exits with code 1. */
  timeoutMs: number;
  signals?: readonly NodeJS.Signals[];
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
  /** Injected for tests; defaults to process. */
  emitter?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface GracefulShutdown {
  /** Runs the steps once (later calls return the same promise); resolves with the exit code. */
  shutdown(reason: string): Promise<number>;
  readonly shuttingDown: boolean;
  /** Removes the signal listeners (tests). */
  dispose(): void;
}

/**
 * SIGINT/SIGTERM handling: the first signal closes the steps in order, each failure logged and
 * the next step still run; a second signal, or the timeout, exits at once with code 1.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const emitter = options.emitter ?? process;
  const { logger } = options;
  let running: Promise<number> | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn({ signal }, 'second signal, exiting now');
      exit(1);
      return;
    }
    void shutdown(signal).then(exit);
  };

  async function runSteps(): Promise<number> {
    let code = 0;
    for (const step of options.steps) {
      try {
        await step.close();
        logger.debug({ step: step.name }, 'closed');
      } catch (err) {
        code = 1;
        logger.error({ step: step.name, err }, 'close failed');
      }
    }
    return code;
  }

  function shutdown(reason: string): Promise<number> {
    if (running) return running;
    logger.info({ reason }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
        resolve(1);
      }, options.timeoutMs);
      timer.unref();
    });
    running = Promise.race([runSteps(), timeout]).finally(() => clearTimeout(timer));
    return running;
  }

  for (const signal of signals) emitter.on(signal, onSignal);

  return {
    shutdown,
    get shuttingDown() {
      return running !== undefined;
    },
    dispose() {
      for (const signal of signals) emitter.off(signal, onSignal);
    },
  };
}
