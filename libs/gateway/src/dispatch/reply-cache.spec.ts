import { ReplyCache } from './reply-cache';

/** A cache whose `produce` calls are counted per id. */
function counting(options: ConstructorParameters<typeof ReplyCache<string>>[0], now = () => 0) {
  const cache = new ReplyCache<string>(options, now);
  const runs: string[] = [];
  const get = (id: string) =>
    cache.getOrCreate(id, () => {
      runs.push(id);
      return Promise.resolve(`reply to ${id}`);
    });
  return { cache, runs, get };
}

describe(ReplyCache.name, () => {
  it('answers a repeated id with the first reply, produced once', async () => {
    const { runs, get } = counting({});

    await expect(get('a')).resolves.toBe('reply to a');
    await expect(get('a')).resolves.toBe('reply to a');

    expect(runs).toEqual(['a']);
  });

  it('always remembers the last maxEntries / 2 replies and never more than maxEntries', () => {
    const { cache, runs, get } = counting({ maxEntries: 10 });
    for (let i = 0; i < 100; i++) void get(`id-${i}`);
    runs.length = 0;

    for (let i = 95; i < 100; i++) void get(`id-${i}`);

    expect(runs).toEqual([]);
    expect(cache.size).toBeLessThanOrEqual(10);
    void get('id-80');
    expect(runs).toEqual(['id-80']);
  });

  it('keeps a reply that is used again, as a least-recently-used list would', () => {
    const { runs, get } = counting({ maxEntries: 4 });
    void get('kept');
    for (let i = 0; i < 20; i++) {
      void get(`other-${i}`);
      void get('kept');
    }

    expect(runs.filter((id) => id === 'kept')).toEqual(['kept']);
  });

  it('produces again once the remembered reply has expired', () => {
    let now = 1_000;
    const { runs, get } = counting({ ttlMs: 100 }, () => now);

    void get('a');
    now += 99;
    void get('a');
    now += 2;
    void get('a');

    expect(runs).toEqual(['a', 'a']);
  });

  it('remembers nothing with maxEntries 0', () => {
    const { cache, runs, get } = counting({ maxEntries: 0 });

    void get('a');
    void get('a');

    expect(runs).toEqual(['a', 'a']);
    expect(cache.size).toBe(0);
  });
});
