import type { Logger } from '@dh-mqtt/runtime';

/** Time for a reply that has left the bus to travel through Redis to its client. */
const REPLY_SETTLE_MS = 250;
/** How often the drain looks at the count. */
const POLL_MS = 10;

/**
 * The `requests` step of a shutdown (docs/operations.md): lets every request the broker has taken
 * get its reply, for at most the request timeout and never past the shutdown budget, then gives
 * the last replies a moment to reach their clients. `pending` counts requests received and not
 * answered: those on the bus and those still queued behind an earlier request of their client
 * (a QoS 1 request is acknowledged when it is queued, so it must be answered too).
 */
export async function drainRequests(
  pending: () => number,
  limits: { requestTimeoutMs: number; shutdownTimeoutMs: number },
  logger: Logger,
): Promise<void> {
  if (pending() === 0) return;
  const budgetMs = Math.max(
    0,
    Math.min(limits.requestTimeoutMs + 500, limits.shutdownTimeoutMs - 2_000),
  );
  logger.info({ pending: pending(), budgetMs }, 'waiting for requests in flight');
  const deadline = Date.now() + budgetMs;
  while (pending() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (pending() > 0) logger.warn({ pending: pending() }, 'requests still in flight at shutdown');
  await new Promise((resolve) => setTimeout(resolve, REPLY_SETTLE_MS));
}
