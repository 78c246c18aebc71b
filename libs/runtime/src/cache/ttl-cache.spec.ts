import { TtlCache } from './ttl-cache';

describe(TtlCache.name, () => {
  it('forgets entries after their time and past its capacity', () => {
    let now = 1_000;
    const cache = new TtlCache<string, number>(2, 100, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    now += 100;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('keeps an entry set again for a new full time and as the most recent', () => {
    let now = 0;
    const cache = new TtlCache<number, string>(2, 100, () => now);
    cache.set(1, 'x');
    cache.set(2, 'y');
    now = 50;
    cache.set(1, 'z');
    cache.set(3, 'w'); // drops 2, the least recently set
    now = 120;
    expect([cache.get(1), cache.get(2), cache.get(3)]).toEqual(['z', undefined, 'w']);
  });
});
