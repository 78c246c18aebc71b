import { KeyedSerialQueue } from './keyed-serial-queue';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function gateOpen(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

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

  describe('when tasks overlap (docs/adr/0017-pipelined-requests.md)', () => {
    it('starts an overlapping task once the task before it called sequenced()', async () => {
      const queue = new KeyedSerialQueue();
      const log: string[] = [];
      const first = gateOpen();

      const one = queue.run('a', async (sequenced) => {
        log.push('start 1');
        sequenced();
        await first.opened;
        log.push('end 1');
      });
      const two = queue.run(
        'a',
        async () => {
          log.push('start 2');
        },
        { overlaps: true },
      );
      await two;
      first.open();
      await one;

      expect(log).toEqual(['start 1', 'start 2', 'end 1']);
    });

    it('does not start an overlapping task before the one before it called sequenced()', async () => {
      const queue = new KeyedSerialQueue();
      const log: string[] = [];

      await Promise.all([
        queue.run('a', async () => {
          log.push('start 1');
          await sleep(20);
          log.push('end 1');
        }),
        queue.run('a', async () => log.push('start 2'), { overlaps: true }),
      ]);

      expect(log).toEqual(['start 1', 'end 1', 'start 2']);
    });

    it('starts a task without overlaps only after every earlier task settled', async () => {
      const queue = new KeyedSerialQueue();
      const log: string[] = [];
      const first = gateOpen();

      const one = queue.run('a', async (sequenced) => {
        sequenced();
        await first.opened;
        log.push('end 1');
      });
      const two = queue.run('a', async () => log.push('end 2'), { overlaps: true });
      const three = queue.run('a', async () => log.push('start 3'));
      await two;
      await sleep(10);
      expect(log).toEqual(['end 2']);
      first.open();
      await Promise.all([one, three]);

      expect(log).toEqual(['end 2', 'end 1', 'start 3']);
    });

    it('lets the next start when the task fails without calling sequenced()', async () => {
      const queue = new KeyedSerialQueue();

      const failed = queue.run('a', async () => {
        throw new Error('boom');
      });
      const next = queue.run('a', async () => 'ok', { overlaps: true });

      await expect(failed).rejects.toThrow('boom');
      await expect(next).resolves.toBe('ok');
      await queue.drain();
      expect(queue.activeKeys).toBe(0);
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
