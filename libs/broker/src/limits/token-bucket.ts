/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSec`. `take()` spends one token and
 * says whether there was one. Time is passed in (milliseconds) so tests need no fake timers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again, i.e. forgetting it changes nothing. */
  isFull(now = Date.now()): boolean {
    return this.tokens + ((now - this.last) * this.ratePerSec) / 1000 >= this.burst;
  }
}

/**
 * Token buckets by key (source addresses), at most `maxKeys` of them, so the limiter cannot itself
 * be used to exhaust memory (docs/reliability.md). Past the cap the least recently used bucket is
 * dropped; a key that comes back starts with a full bucket, which costs an attacker who already
 * controls that many addresses nothing it did not have.
 */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: Map order = recency
    } else {
      bucket = new TokenBucket(this.ratePerSec, this.burst, now);
      if (this.buckets.size >= this.maxKeys) this.evict(now);
    }
    this.buckets.set(key, bucket);
    return bucket.take(now);
  }

  /** Number of addresses remembered. */
  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(key);
      if (this.buckets.size < this.maxKeys) return;
    }
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
