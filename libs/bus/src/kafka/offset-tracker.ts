/**
 * Which offset of each partition is safe to commit when records are handled out of order (the
 * gateway handles different clients of one partition concurrently): the lowest offset still in
 * flight, or one past the highest offset seen when none is. Committing that never skips a record
 * that is still being handled, so a gateway that dies re-delivers it to another (at least once).
 */
export class OffsetTracker {
  private readonly partitions = new Map<number, { inFlight: Set<bigint>; next: bigint }>();
  private readonly dirty = new Set<number>();

  /** A record of `partition` starts being handled. */
  begin(partition: number, offset: string): void {
    const value = BigInt(offset);
    let state = this.partitions.get(partition);
    if (!state) {
      state = { inFlight: new Set(), next: value };
      this.partitions.set(partition, state);
    }
    state.inFlight.add(value);
    if (value + 1n > state.next) state.next = value + 1n;
  }

  /** The record is done (handled, skipped or failed); its offset may be committed past. */
  end(partition: number, offset: string): void {
    const state = this.partitions.get(partition);
    if (!state?.inFlight.delete(BigInt(offset))) return;
    this.dirty.add(partition);
  }

  /** Marks partitions whose commit failed, so the next takeCommits() hands them out again. */
  restore(commits: ReadonlyArray<{ partition: number }>): void {
    for (const { partition } of commits)
      if (this.partitions.has(partition)) this.dirty.add(partition);
  }

  /** Forgets the partitions not in `assigned` (after a rebalance they are another pod's). */
  retain(assigned: readonly number[]): void {
    const keep = new Set(assigned);
    for (const partition of this.partitions.keys()) {
      if (!keep.has(partition)) {
        this.partitions.delete(partition);
        this.dirty.delete(partition);
      }
    }
  }

  /**
   * The offsets to commit now (Kafka's convention: the next record to read), for partitions that
   * moved since the last call; each call hands out a partition's progress once.
   */
  takeCommits(): Array<{ partition: number; offset: string }> {
    const commits: Array<{ partition: number; offset: string }> = [];
    for (const partition of this.dirty) {
      const state = this.partitions.get(partition);
      if (!state) continue;
      let lowest = state.next;
      for (const offset of state.inFlight) if (offset < lowest) lowest = offset;
      commits.push({ partition, offset: lowest.toString() });
    }
    this.dirty.clear();
    return commits;
  }
}
