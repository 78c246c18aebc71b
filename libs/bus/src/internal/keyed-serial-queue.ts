/**
 * Runs tasks one after another per key and concurrently across keys: the ordering guarantee of
 * docs/topics/request.md ("requests of one client are handled in the order it published them")
 * without letting a slow client block the others. A failed task does not stop the tasks queued
 * after it.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind the earlier tasks of `key`; settles with the task's result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget idle keys so the map does not grow with every client id ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get activeKeys(): number {
    return this.tails.size;
  }

  /** Resolves when every task queued so far has settled. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) {
      await Promise.all([...this.tails.values()]);
    }
  }
}
