/** Limits of the request de-duplication cache. */
export interface DedupOptions {
  /** Most replies remembered; the least recently used goes first (default 10 000; 0 = off). */
  maxEntries?: number;
  /** How long a reply is remembered, in ms (default 5 minutes). */
  ttlMs?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TTL_MS = 5 * 60_000;

/**
 * Recent replies by envelope id, so a request the transport delivers twice (a Kafka redelivery
 * after a rebalance) is answered with the first reply and not executed again. Holds the
 * promise, so a duplicate that arrives while the first copy is still running waits for it.
 * Bounded in size and age; per process, so it covers redeliveries to the same gateway.
 */
export class ReplyCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(
    options: DedupOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** The remembered reply of `id`, or the result of `produce` (remembered from now on). */
  getOrCreate(id: string, produce: () => Promise<T>): Promise<T> {
    if (this.maxEntries <= 0) return produce();
    const now = this.now();
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > now) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit.value;
    }
    const value = produce();
    this.entries.delete(id);
    this.entries.set(id, { value, expiresAt: now + this.ttlMs });
    this.evict(now);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
