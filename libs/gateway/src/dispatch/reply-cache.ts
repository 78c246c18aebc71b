/** Limits of the request de-duplication cache. */
export interface DedupOptions {
  /** Most replies remembered; the least recently used goes first (default 10 000; 0 = off). */
  maxEntries?: number;
  /** How long a reply is remembered, in ms (default 5 minutes). */
  ttlMs?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TTL_MS = 5 * 60_000;

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * Recent replies by envelope id, so a request the transport delivers twice (a Kafka redelivery
 * after a rebalance) is answered with the first reply and not executed again. Holds the
 * promise, so a duplicate that arrives while the first copy is still running waits for it.
 * Bounded in size and age; per process, so it covers redeliveries to the same gateway.
 *
 * Two generations of at most half of `maxEntries` each: new replies go into the current one,
 * which becomes the previous one when full, and the previous one is then dropped whole. A reply
 * used again moves into the current generation. So the last `maxEntries / 2` replies are always
 * remembered, and at most `maxEntries` are (2 when it is 1), as with a least-recently-used list, at a constant
 * cost per request: a `Map` that dropped its oldest entry on every request walked all the
 * deleted slots at its head each time, ~5 µs per request at 10 000 entries (docs/performance.md
 * §5).
 */
export class ReplyCache<T> {
  private current = new Map<string, Entry<T>>();
  private previous = new Map<string, Entry<T>>();
  private readonly maxEntries: number;
  private readonly generationSize: number;
  private readonly ttlMs: number;

  constructor(
    options: DedupOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.generationSize = Math.max(1, Math.floor(this.maxEntries / 2));
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** The remembered reply of `id`, or the result of `produce` (remembered from now on). */
  getOrCreate(id: string, produce: () => Promise<T>): Promise<T> {
    if (this.maxEntries <= 0) return produce();
    const now = this.now();
    const hit = this.current.get(id) ?? this.previous.get(id);
    if (hit && hit.expiresAt > now) {
      if (this.current.get(id) !== hit) this.remember(id, hit);
      return hit.value;
    }
    const value = produce();
    this.remember(id, { value, expiresAt: now + this.ttlMs });
    return value;
  }

  /** Replies remembered (one used again in both generations counts once). */
  get size(): number {
    let size = this.current.size;
    for (const id of this.previous.keys()) if (!this.current.has(id)) size += 1;
    return size;
  }

  private remember(id: string, entry: Entry<T>): void {
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(id, entry);
  }
}
