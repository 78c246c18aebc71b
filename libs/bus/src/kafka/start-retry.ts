import { retry, type Logger } from '@dh-mqtt/runtime';

export interface StartRetryOptions {
  /** One attempt to connect everything; throws when Kafka cannot be reached. */
  attempt(): Promise<void>;
  /** Undoes a failed attempt (disconnects what it connected). */
  undo(): Promise<void>;
  initialMs: number;
  maxMs: number;
  logger: Logger;
  brokers: readonly string[];
  /** Aborted by close(): the loop stops and the returned promise rejects with `reason`. */
  signal: AbortSignal;
  onFailure(): void;
}

/**
 * Runs `attempt` until it succeeds (the runtime's `retry`: the pause doubles after each failure up
 * to `maxMs`), and logs each failure with the brokers it tried: a pod started before Kafka waits
 * for it (not ready) instead of crashing and being restarted in a loop.
 */
export async function startWithRetry(options: StartRetryOptions): Promise<void> {
  await retry({
    attempt: async (attempt) => {
      await options.attempt();
      if (attempt > 1) options.logger.info({ attempt }, 'connected to Kafka');
    },
    backoff: { initialMs: options.initialMs, maxMs: options.maxMs },
    signal: options.signal,
    onFailure: async (error, attempt, delay) => {
      options.onFailure();
      await options.undo();
      if (options.signal.aborted) return;
      options.logger.error(
        { err: error, brokers: options.brokers, attempt, retryInMs: delay },
        `Kafka unreachable at ${options.brokers.join(',')}: ${(error as Error).message}; retrying in ${delay} ms`,
      );
    },
  });
}
