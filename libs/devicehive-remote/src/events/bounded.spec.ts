import { Backoff, RecentKeys, TtlCache } from './bounded';

describe('RecentKeys', () => {
  it('tells a duplicate and forgets the oldest key past its capacity', () => {
    const keys = new RecentKeys(3);
    expect(['a', 'b', 'c'].map((k) => keys.add(k))).toEqual([true, true, true]);
    expect(keys.add('b')).toBe(false);
    expect(keys.add('d')).toBe(true);
    expect(keys.size).toBe(3);
    expect(keys.has('a')).toBe(false);
    expect(keys.add('a')).toBe(true);
  });
});

describe('TtlCache', () => {
  it('forgets entries after their time and past its capacity', () => {
    let now = 1_000;
    const cache = new TtlCache<number>(2, 100, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    now += 100;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

describe('Backoff', () => {
  it('doubles up to the ceiling, with jitter in the upper half, and starts over after reset', () => {
    const top = new Backoff(100, 1_000, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    top.reset();
    expect(top.next()).toBe(100);
    const bottom = new Backoff(100, 1_000, () => 0);
    expect([bottom.next(), bottom.next()]).toEqual([50, 100]);
  });
});
