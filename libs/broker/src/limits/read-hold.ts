import { performance } from 'node:perf_hooks';
import type { Logger } from '@dh-mqtt/runtime';

/** Stops and restarts reading one connection. */
export interface ConnectionReads {
  hold(): void;
  release(): void;
}

/** When a connection's reads are held (docs/adr/0020-reads-paused-before-the-pending-limit.md). */
export interface ReadHoldPolicy {
  /** Unanswered requests (the one in flight included) at which reading stops. */
  readonly holdAt: number;
  /** Reading starts again once no more than this many are unanswered. */
  readonly releaseAt: number;
  /**
   * Longest hold: then one more read is let through, so a peer's PINGREQ still arrives within
   * MQTT's shortest keep-alive (1 s, closed by the broker after 1.5 s) while the server stalls.
   */
  readonly maxHoldMs: number;
}

/** The longest hold: shorter than 1.5 × the shortest MQTT keep-alive. */
export const MAX_HOLD_MS = 1_000;

/**
 * The most one read of a connection brings in (Node's default socket buffer). With the default
 * `DH_MAX_PENDING_REQUESTS` (1,000), one read of requests of 33 bytes or more (a `server/info`
 * request is ~60) fits between the hold at 500 and the limit.
 */
export const MAX_READ_BYTES = 16_384;

/**
 * The policy for `DH_MAX_PENDING_REQUESTS`: stop reading at half the limit, read again at a
 * quarter. The requests of a read under way when the hold starts are still admitted: with reads of
 * at most {@link MAX_READ_BYTES} they fit below the limit, so a client that is merely faster than
 * the server waits instead of getting 429.
 */
export function readHoldPolicy(maxPendingRequests: number): ReadHoldPolicy {
  const holdAt = Math.max(1, Math.ceil(maxPendingRequests / 2));
  return { holdAt, releaseAt: Math.floor(holdAt / 2), maxHoldMs: MAX_HOLD_MS };
}

/** Counts (and logs) holds: how many, how long, how many now. */
export interface ReadHoldMetrics {
  held(unanswered: number): void;
  released(heldSeconds: number, unanswered: number): void;
}

/** The counters of one kind of connection (MQTT, the WebSocket API). */
export interface ReadHoldCounts {
  held(): void;
  released(heldSeconds: number): void;
}

/**
 * `counts` for one connection, with the debug lines `reads paused` and `reads resumed`
 * (`clientId`, `unanswered`, `pausedMs`; docs/operations.md, "Logs").
 */
export function loggedHolds(
  counts: ReadHoldCounts,
  logger: Logger | undefined,
  clientId: string,
): ReadHoldMetrics {
  return {
    held: (unanswered) => {
      counts.held();
      if (logger?.isLevelEnabled('debug')) logger.debug({ clientId, unanswered }, 'reads paused');
    },
    released: (heldSeconds, unanswered) => {
      counts.released(heldSeconds);
      if (logger?.isLevelEnabled('debug')) {
        const pausedMs = Math.round(heldSeconds * 1000);
        logger.debug({ clientId, unanswered, pausedMs }, 'reads resumed');
      }
    },
  };
}

/**
 * Backpressure for one connection: told its queue of unanswered requests each time it changes,
 * it holds the connection's reads at {@link ReadHoldPolicy.holdAt} and releases them at
 * {@link ReadHoldPolicy.releaseAt}, or after {@link ReadHoldPolicy.maxHoldMs} (then the next
 * request that finds the queue still long holds again).
 */
export class ReadHold {
  private heldSince = -1;
  private timer: NodeJS.Timeout | undefined;
  private unanswered = 0;

  constructor(
    private readonly reads: ConnectionReads,
    private readonly policy: ReadHoldPolicy,
    private readonly metrics: ReadHoldMetrics,
  ) {}

  get holding(): boolean {
    return this.heldSince >= 0;
  }

  queueLength(unanswered: number): void {
    this.unanswered = unanswered;
    if (this.heldSince < 0) {
      if (unanswered >= this.policy.holdAt) this.hold();
    } else if (unanswered <= this.policy.releaseAt) {
      this.release();
    }
  }

  /** Reads again now (the hold's time is up, or the connection closed). */
  release(): void {
    if (this.heldSince < 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const heldSeconds = (performance.now() - this.heldSince) / 1000;
    this.heldSince = -1;
    this.metrics.released(heldSeconds, this.unanswered);
    this.reads.release();
  }

  private hold(): void {
    this.heldSince = performance.now();
    this.metrics.held(this.unanswered);
    this.reads.hold();
    this.timer = setTimeout(() => this.release(), this.policy.maxHoldMs);
    this.timer.unref();
  }
}
