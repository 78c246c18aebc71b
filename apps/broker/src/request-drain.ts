import type { BrokerBus } from '@dh-mqtt/bus';

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
