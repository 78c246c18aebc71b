import { Backoff, RecentKeys } from './bounded';

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
