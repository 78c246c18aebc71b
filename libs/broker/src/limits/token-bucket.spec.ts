import { KeyedTokenBuckets, TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  describe('when a burst arrives at once', () => {
    it('grants exactly `burst` tokens, then refuses', () => {
      const bucket = new TokenBucket(10, 3, 0);
      expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    });
  });

  describe('when time passes', () => {
    it('refills at the rate, never above the burst', () => {
      const bucket = new TokenBucket(10, 3, 0);
      for (let n = 0; n < 3; n++) bucket.take(0);
      expect(bucket.take(50)).toBe(false); // half a token
      expect(bucket.take(100)).toBe(true); // one token after 100 ms at 10/s
      expect(bucket.take(100)).toBe(false);
      const later = [1, 2, 3, 4].map(() => bucket.take(60_000));
      expect(later).toEqual([true, true, true, false]);
    });
  });
});

describe(KeyedTokenBuckets.name, () => {
  describe('when keys are limited independently', () => {
    it('refuses one key without touching another', () => {
      const buckets = new KeyedTokenBuckets(1, 1);
      expect(buckets.take('a', 0)).toBe(true);
      expect(buckets.take('a', 0)).toBe(false);
      expect(buckets.take('b', 0)).toBe(true);
    });
  });

  describe('when more keys arrive than it may remember', () => {
    it('stays at the cap, dropping idle buckets first', () => {
      const buckets = new KeyedTokenBuckets(1, 1, 100);
      expect(buckets.take('busy', 0)).toBe(true);
      for (let n = 0; n < 10_000; n++) buckets.take(`k${n}`, 0);
      expect(buckets.size).toBe(100);
    });

    it('evicts a full (idle) bucket before an older busy one', () => {
      const buckets = new KeyedTokenBuckets(1, 2, 2);
      buckets.take('busy', 0);
      buckets.take('busy', 0);
      buckets.take('idle', 0);
      buckets.take('new', 1_000); // at the cap: idle is full again, busy is not
      expect([buckets.take('busy', 1_000), buckets.take('busy', 1_000)]).toEqual([true, false]);
    });
  });
});
