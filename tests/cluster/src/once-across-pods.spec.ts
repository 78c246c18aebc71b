import { onceAcrossPods } from '@dh-mqtt/broker';
import { Redis } from 'ioredis';
import { testRedisUrl } from './support/cluster-env';

describe(onceAcrossPods.name, () => {
  let redis: Redis;
  let n = 0;
  const key = () => `once-spec:${process.pid}:${n++}`;
  const fast = { pendingTtlMs: 300, pollMs: 20 };

  beforeAll(() => {
    redis = new Redis(`${testRedisUrl()}/13`);
  });

  afterAll(async () => {
    await redis.flushdb();
    redis.disconnect();
  });

  describe('when two pods handle the same key at once', () => {
    it('runs the work on one of them only', async () => {
      const k = key();
      let runs = 0;
      const work = async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      };

      const results = await Promise.all([
        onceAcrossPods(redis, 'pod-a', k, work, fast),
        onceAcrossPods(redis, 'pod-b', k, work, fast),
      ]);

      expect(runs).toBe(1);
      expect(results.sort()).toEqual([false, true]);
    });
  });

  describe('when the pod holding the key died before it was done', () => {
    it('runs the work on the next pod once the hold expires', async () => {
      const k = key();
      await redis.set(k, 'pending:dead-pod', 'PX', 300);
      let runs = 0;
      const since = Date.now();

      const ran = await onceAcrossPods(redis, 'pod-b', k, async () => void runs++, fast);

      expect([ran, runs]).toEqual([true, 1]);
      expect(Date.now() - since).toBeGreaterThanOrEqual(250);
      expect(await redis.get(k)).toBe('done');
    });
  });

  describe('when the work fails', () => {
    it('rethrows and lets the next attempt run it', async () => {
      const k = key();
      const failing = onceAcrossPods(redis, 'pod-a', k, () => Promise.reject(new Error('boom')));
      await expect(failing).rejects.toThrow('boom');

      let runs = 0;
      expect(await onceAcrossPods(redis, 'pod-b', k, async () => void runs++)).toBe(true);
      expect(runs).toBe(1);
    });
  });
});
