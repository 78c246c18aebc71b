import { performance } from 'node:perf_hooks';

/**
 * A fetch or produce batch is followed by a hold only when it carried at least this many
 * records: records that queued up while the last ones were handled. One record at a time is a
 * pod keeping up with its traffic, often one client waiting for each reply before its next
 * request, whose round trip a hold would only lengthen, with no record to share it with.
 */
export const PACE_FROM_RECORDS = 2;

/**
 * The records a hold aims to gather: at the rate the last fetch or batch showed, the next one
 * starts when about this many have come, or at the interval, whichever is sooner. Eight spread a
 * fetch's or a produce request's fixed cost to an eighth; more would add wait for little.
 */
export const PACE_TARGET_RECORDS = 8;

/**
 * When the next Kafka fetch or produce batch may start (docs/adr/0022): after one of
 * {@link PACE_FROM_RECORDS} records or more, no sooner than the time that would gather
 * {@link PACE_TARGET_RECORDS} at the rate it showed, and never later than `intervalMs`, counted
 * from its start. A rate of one record per interval or less waits the whole interval; a fast
 * one waits a fraction of it; a closed loop of a few clients, whose records come in a burst and
 * then stop, waits about as long as its burst took instead of the whole interval.
 */
export class PaceGap {
  private lastStartedAt = 0;
  /** When the last one's records were known (a fetch returned, a batch left); 0: none yet. */
  private lastSeenAt = 0;
  private gapMs = 0;

  constructor(private readonly intervalMs: number) {}

  /**
   * Notes a fetch or batch that started at `startedAt` (from {@link now}) and carried `records`.
   * Its rate is `records` over the time since the previous one's records were known (the first
   * one shows no rate: the next waits the whole interval).
   */
  note(startedAt: number, records: number): void {
    const seenAt = PaceGap.now();
    const span = this.lastSeenAt === 0 ? Infinity : seenAt - this.lastSeenAt;
    this.lastStartedAt = startedAt;
    this.lastSeenAt = seenAt;
    if (this.intervalMs <= 0 || records < PACE_FROM_RECORDS) {
      this.gapMs = 0;
      return;
    }
    const perMs = records / Math.max(span, 0.001);
    this.gapMs = Math.min(this.intervalMs, PACE_TARGET_RECORDS / perMs);
  }

  /** Ms to wait before the next one may start (0 or less: at once). */
  holdMs(): number {
    return this.lastStartedAt + this.gapMs - PaceGap.now();
  }

  /** The clock of this class: ms, sub-millisecond (a fast pod sees several fetches per ms). */
  static now(): number {
    return performance.now();
  }
}
