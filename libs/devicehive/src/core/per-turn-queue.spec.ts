import { setImmediate as nextTurn } from 'node:timers/promises';
import { PerTurnQueue } from './per-turn-queue';

describe(PerTurnQueue.name, () => {
  it('hands what one turn added to one flush at its end, in order, cut into chunks', async () => {
    const chunks: number[][] = [];
    const queue = new PerTurnQueue<number>(2, (chunk) => chunks.push(chunk));
    queue.add(1);
    await Promise.resolve(); // a promise continuation is still the same turn
    queue.add(2);
    queue.add(3);
    expect(chunks).toEqual([]);
    await nextTurn();
    expect(chunks).toEqual([[1, 2], [3]]);
  });

  it('starts a new flush for what the next turn adds', async () => {
    const chunks: string[][] = [];
    const queue = new PerTurnQueue<string>(10, (chunk) => chunks.push(chunk));
    queue.add('a');
    await nextTurn();
    queue.add('b');
    queue.add('c');
    await nextTurn();
    expect(chunks).toEqual([['a'], ['b', 'c']]);
  });
});
