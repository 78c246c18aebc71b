/**
 * Collects what is added during one pass of the event loop and hands it to `flush` at its end
 * (`setImmediate`), in the order added, in chunks of at most `maxPerChunk`: the shared mechanism of
 * the writers and readers that send one statement for the requests of a turn (the request ledger's
 * claims, ADR 0010; the device lookups, ADR 0018). What `flush` does with a chunk, and how each
 * caller is answered, is theirs.
 */
export class PerTurnQueue<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(
    private readonly maxPerChunk: number,
    private readonly flush: (chunk: T[]) => void,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const all = this.pending;
      this.pending = [];
      for (let i = 0; i < all.length; i += this.maxPerChunk) {
        this.flush(all.slice(i, i + this.maxPerChunk));
      }
    });
  }
}
