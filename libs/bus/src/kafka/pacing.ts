/**
 * A fetch or produce batch is followed by a hold only when it carried at least this many
 * records: records that queued up while the last ones were handled (docs/adr/0022). One record
 * at a time is a pod keeping up with its traffic, often one client waiting for each reply before
 * its next request, whose round trip a hold would only lengthen, with no record to share it with.
 */
export const PACE_FROM_RECORDS = 2;

/** The last fetch or produce batch, as the pacing remembers it. */
export interface PacedStart {
  /** When it started (a fetch was sent, a batch handed to the producer), from `Date.now()`. */
  startedAt: number;
  /** The records it carried. */
  records: number;
}

/**
 * Ms still to wait after `last` before the next fetch or batch may start: `intervalMs` from its
 * start when it carried {@link PACE_FROM_RECORDS} records or more, else none (0 or less: at once).
 */
export function pacingHoldMs(
  last: PacedStart | undefined,
  intervalMs: number,
  now = Date.now(),
): number {
  if (!last || last.records < PACE_FROM_RECORDS) return 0;
  return last.startedAt + intervalMs - now;
}
