/** How a queued task may overlap the task before it (docs/adr/0017-pipelined-requests.md). */
export interface QueueOptions {
  /**
   * True: the task may start as soon as the task before it calls its `sequenced()` (its effects
   * are ordered: what it writes can no longer be overtaken), not only when it settles. Only
   * a task queued right behind such a task gains anything; a task without `overlaps` waits for
   * every task queued before it to settle, as always.
   */
  overlaps?: boolean;
}

/** Per key: when the last task let the next start, and when everything queued has settled. */
interface KeyState {
  /** Resolves when the last task called `sequenced()` or settled. */
  released: Promise<void>;
  /** Resolves when every task queued so far has settled. */
  settled: Promise<void>;
}

/**
 * Runs tasks one after another per key and concurrently across keys: the ordering guarantee of
 * docs/topics/request.md ("requests of one client are handled in the order it published them")
 * without letting a slow client block the others. A failed task does not stop the tasks queued
 * after it.
 *
 * A task queued with `overlaps` starts once the task before it has called `sequenced()` (the
 * `notification/insert` of the core, once its row has its place in the batcher's order: a later
 * insert lands behind it in the same or a later batch,
 * docs/adr/0023-insert-order-reserved-before-the-device-lookup.md), so a client's stream of
 * inserts is handled in order without waiting for each commit (docs/adr/0017-pipelined-requests.md).
 */
export class KeyedSerialQueue {
  private readonly keys = new Map<string, KeyState>();

  /** Queues `task` behind the earlier tasks of `key`; settles with the task's result. */
  run<T>(
    key: string,
    task: (sequenced: () => void) => Promise<T>,
    options: QueueOptions = {},
  ): Promise<T> {
    const before = this.keys.get(key);
    const startAfter = before ? (options.overlaps ? before.released : before.settled) : undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const result = (startAfter ?? Promise.resolve()).then(() => task(release));
    const done = result.then(
      () => release(),
      () => release(),
    );
    const settled = before ? Promise.all([before.settled, done]).then(() => undefined) : done;
    const state: KeyState = { released, settled };
    this.keys.set(key, state);
    // Forget idle keys so the map does not grow with every client id ever seen.
    void settled.then(() => {
      if (this.keys.get(key) === state) this.keys.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get activeKeys(): number {
    return this.keys.size;
  }

  /** Resolves when every task queued so far has settled. */
  async drain(): Promise<void> {
    while (this.keys.size > 0) {
      await Promise.all([...this.keys.values()].map((state) => state.settled));
    }
  }
}
