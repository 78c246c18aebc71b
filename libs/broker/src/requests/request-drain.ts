import type { BrokerBus } from '@dh-mqtt/bus';
import type { Logger } from '@dh-mqtt/runtime';

/** A bus that counts the requests waiting for their reply, so shutdown can let them finish. */
export interface DrainableBus extends BrokerBus {
  /** Requests sent and not yet answered (by a reply or an error). */
  inFlight(): number;
  /**
   * Resolves true once no request is in flight, false when `timeoutMs` passes first. Requests
   * sent meanwhile are waited for too.
   */
  drained(timeoutMs: number): Promise<boolean>;
}

/** Wraps `bus`; every other method goes straight through. */
export function drainable(bus: BrokerBus): DrainableBus {
  let inFlight = 0;
  const waiters = new Set<() => void>();
  const settle = () => {
    inFlight -= 1;
    if (inFlight === 0) for (const wake of [...waiters]) wake();
  };
  return {
    request: (envelope) => {
      inFlight += 1;
      return bus.request(envelope).finally(settle);
    },
    onEvent: (handler) => bus.onEvent(handler),
    start: () => bus.start(),
    close: () => bus.close(),
    inFlight: () => inFlight,
    drained: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (inFlight === 0) return resolve(true);
        const timer = setTimeout(() => finish(false), timeoutMs);
        const wake = () => finish(true);
        function finish(done: boolean) {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(done);
        }
        waiters.add(wake);
      }),
  };
}

/** Time for a reply that has left the bus to travel through Redis to its client. */
const REPLY_SETTLE_MS = 250;

/**
 * The `requests` step of a broker pod's shutdown: lets the requests in flight get their replies
 * (docs/operations.md), for at most the request timeout and never past the shutdown budget, then
 * gives the last replies a moment to reach their clients.
 */
export async function drainRequests(
  bus: DrainableBus,
  limits: { requestTimeoutMs: number; shutdownTimeoutMs: number },
  logger: Logger,
): Promise<void> {
  if (bus.inFlight() === 0) return;
  const budgetMs = Math.max(
    0,
    Math.min(limits.requestTimeoutMs + 500, limits.shutdownTimeoutMs - 2_000),
  );
  logger.info({ inFlight: bus.inFlight(), budgetMs }, 'waiting for requests in flight');
  const done = await bus.drained(budgetMs);
  if (!done) logger.warn({ inFlight: bus.inFlight() }, 'requests still in flight at shutdown');
  await new Promise((resolve) => setTimeout(resolve, REPLY_SETTLE_MS));
}
