import { KeyedSerialQueue } from './keyed-serial-queue';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe(KeyedSerialQueue.name, () => {
  describe('when tasks share a key', () => {
    it('runs them one after another in the order they were queued', async () => {
      const queue = new KeyedSerialQueue();
      const log: string[] = [];
      const task = (n: number, ms: number) => async () => {
        log.push(`start ${n}`);
        await sleep(ms);
        log.push(`end ${n}`);
        return n;
      };

      const results = await Promise.all([queue.run('a', task(1, 30)), queue.run('a', task(2, 1))]);

      expect(results).toEqual([1, 2]);
      expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    });

    it('runs the next task after one that failed', async () => {
      const queue = new KeyedSerialQueue();

      const failed = queue.run('a', async () => {
        throw new Error('boom');
      });
      const next = queue.run('a', async () => 'ok');

      await expect(failed).rejects.toThrow('boom');
      await expect(next).resolves.toBe('ok');
    });
  });

  describe('when tasks have different keys', () => {
    it('runs them concurrently', async () => {
      const queue = new KeyedSerialQueue();
      const log: string[] = [];

      await Promise.all([
        queue.run('a', async () => {
          log.push('start a');
          await sleep(30);
          log.push('end a');
        }),
        queue.run('b', async () => {
          log.push('start b');
          log.push('end b');
        }),
      ]);

      expect(log).toEqual(['start a', 'start b', 'end b', 'end a']);
    });
  });

  describe('when every task has settled', () => {
    it('forgets the keys', async () => {
      const queue = new KeyedSerialQueue();
      await queue.run('a', async () => undefined);

      await queue.drain();

      expect(queue.activeKeys).toBe(0);
    });
  });
});
