import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { Aedes } from 'aedes';
import { startTestBroker, type TestBroker } from '../testing';
import { corkPerTurn } from './cork-per-turn';

/** A stream that records what each system call would have carried: one entry per flush. */
class RecordingStream extends Writable {
  readonly flushes: string[][] = [];

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.flushes.push([chunk.toString()]);
    done();
  }

  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.flushes.push(chunks.map(({ chunk }) => chunk.toString()));
    done();
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(corkPerTurn.name, () => {
  it('sends the writes of one turn, over several ticks, in one flush, in order', async () => {
    const stream = corkPerTurn(new RecordingStream());
    stream.write('a');
    process.nextTick(() => stream.write('b'));
    await Promise.resolve();
    stream.write('c');
    await nextTurn();
    expect(stream.flushes).toEqual([['a', 'c', 'b']]);
  });

  it('sends a later turn’s writes in a flush of their own', async () => {
    const stream = corkPerTurn(new RecordingStream());
    stream.write('a');
    await nextTurn();
    stream.write('b');
    stream.write('c');
    await nextTurn();
    expect(stream.flushes).toEqual([['a'], ['b', 'c']]);
  });

  it('keeps back-pressure: false past the high-water mark, then drain after the flush', async () => {
    const stream = corkPerTurn(new RecordingStream(4));
    expect(stream.write('ab')).toBe(true);
    expect(stream.write('cdef')).toBe(false);
    await once(stream, 'drain');
    expect(stream.flushes).toEqual([['ab', 'cdef']]);
  });

  it('flushes what is held when the stream ends in the same turn', async () => {
    const stream = corkPerTurn(new RecordingStream());
    stream.write('a');
    stream.end('b');
    await once(stream, 'finish');
    expect(stream.flushes.flat()).toEqual(['a', 'b']);
  });

  it('does nothing to a stream destroyed while its writes were held', async () => {
    const stream = corkPerTurn(new RecordingStream());
    stream.on('error', () => undefined);
    stream.write('a');
    stream.destroy();
    await nextTurn();
    expect(stream.flushes).toEqual([]);
  });
});

describe('the broker’s client connections', () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker();
  });

  afterEach(async () => {
    await t.close();
  });

  /** Counts the system-call-level writes (`_write`/`_writev`) on the broker's socket to `clientId`. */
  async function countWrites(aedes: Aedes, clientId: string): Promise<() => number> {
    const [client] = (await once(aedes, 'clientReady')) as [{ id: string; conn: Socket }];
    expect(client.id).toBe(clientId);
    let calls = 0;
    const socket = client.conn as Socket & {
      _writev: (...args: unknown[]) => void;
      _write: (...args: unknown[]) => void;
    };
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name];
      socket[name] = function counted(this: Socket, ...args: unknown[]) {
        calls += 1;
        return original.apply(this, args);
      };
    }
    return () => calls;
  }

  it('sends a burst of pushes to one subscriber in fewer writes than packets', async () => {
    const counted = countWrites(t.broker.aedes, 'sub');
    const subscriber = await t.connect('sub');
    const writes = await counted;
    const received: string[] = [];
    const burst = 20;
    const all = new Promise<void>((resolve) =>
      subscriber.on('message', (_topic, payload) => {
        received.push(payload.toString());
        if (received.length === burst) resolve();
      }),
    );
    await subscriber.subscribeAsync('plain/burst', { qos: 0 });
    const before = writes();
    const publisher = await t.connect('pub');
    for (let i = 0; i < burst; i += 1) publisher.publish('plain/burst', String(i), { qos: 0 });
    await all;
    expect(received).toEqual(Array.from({ length: burst }, (_, i) => String(i)));
    expect(writes() - before).toBeLessThan(burst / 2);
  });
});
