/** Capped exponential backoff, in ms. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** The wait after failed attempt `attempt` (1-based): initial, doubled each time, capped. */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exponent);
}

/** Waits `ms`, or less when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

export interface RetryOptions<T> {
  /** One try (1-based number); its result ends the loop. */
  attempt(attempt: number): Promise<T>;
  backoff: Backoff;
  /** Aborting stops the loop at once (a pause included): it rejects with `signal.reason`. */
  signal: AbortSignal;
  /**
   * After each failed attempt, before the pause: log, count, undo what the attempt left. Skip
   * the log when `signal` is aborted (the loop then stops). Throwing gives up with that error.
   */
  onFailure(err: unknown, attempt: number, retryInMs: number): void | Promise<void>;
  /** Errors waiting cannot cure: rethrown at once, without `onFailure`. */
  isFatal?(err: unknown): boolean;
}

/**
 * Runs `attempt` until it succeeds, pausing {@link backoffDelay} after each failure: how every
 * process waits for what it needs (Kafka, PostgreSQL) instead of crashing while it is merely
 * unreachable (docs/operations.md).
 */
export async function retry<T>(options: RetryOptions<T>): Promise<T> {
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw signal.reason;
    try {
      return await options.attempt(attempt);
    } catch (err) {
      if (options.isFatal?.(err)) throw err;
      const delay = backoffDelay(options.backoff, attempt);
      await options.onFailure(err, attempt, delay);
      if (signal.aborted) throw signal.reason;
      await pause(delay, signal);
    }
  }
}
