import type { Logger } from '@dh-mqtt/runtime';

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

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Runs `attempt` until it succeeds, doubling the pause after each failure up to `maxMs`, and
 * logs each failure with the brokers it tried: a pod started before Kafka waits for it (not
 * ready) instead of crashing and being restarted in a loop.
 */
export async function startWithRetry(options: StartRetryOptions): Promise<void> {
  let delay = options.initialMs;
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw options.signal.reason;
    try {
      await options.attempt();
      if (attempt > 1) options.logger.info({ attempt }, 'connected to Kafka');
      return;
    } catch (error) {
      options.onFailure();
      await options.undo();
      if (options.signal.aborted) throw options.signal.reason;
      options.logger.error(
        { err: error, brokers: options.brokers, attempt, retryInMs: delay },
        `Kafka unreachable at ${options.brokers.join(',')}: ${(error as Error).message}; retrying in ${delay} ms`,
      );
      await pause(delay, options.signal);
      delay = Math.min(delay * 2, options.maxMs);
    }
  }
}
