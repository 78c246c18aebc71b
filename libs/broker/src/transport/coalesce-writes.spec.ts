import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate as nextPass } from 'node:timers/promises';
import type { Aedes } from 'aedes';
import { startTestBroker, type TestBroker } from '../testing';
import { coalesceWrites } from './coalesce-writes';

/** A stream that records what reaches its sink, one entry per write or writev call. */
function recordingStream(highWaterMark = 16 * 1024): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { stream, calls };
}

describe(coalesceWrites.name, () => {
  it('sends the writes of one pass as one writev, in order, and the next pass as another', async () => {
    const { stream, calls } = recordingStream();
    coalesceWrites(stream);
    stream.write('a');
    await Promise.resolve(); // a promise continuation in the same pass
    stream.write('b');
    stream.write('c');
    await nextPass();
    stream.write('d');
    stream.write('e');
    await nextPass();
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('is idempotent: installing it twice still uncorks each pass', async () => {
    const { stream, calls } = recordingStream();
    coalesceWrites(stream);
    coalesceWrites(stream);
    stream.write('x');
    stream.write('y');
    await nextPass();
    expect(calls).toEqual([['x', 'y']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('keeps write callbacks and the bytes a TCP peer receives', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = await accepted;
    let received = '';
    peer.on('data', (chunk: Buffer) => (received += chunk.toString()));
    coalesceWrites(client);
    const written: string[] = [];
    for (const part of ['one ', 'two ', 'three']) client.write(part, () => written.push(part));
    await new Promise<void>((resolve) => {
      const check = (): void => (received.length >= 13 ? resolve() : void setTimeout(check, 5));
      check();
    });
    expect(received).toBe('one two three');
    expect(written).toEqual(['one ', 'two ', 'three']);
    client.destroy();
    peer.destroy();
    server.close();
  });
});

describe(`${coalesceWrites.name} until the end of the turn`, () => {
  it('sends the writes of one turn, over several ticks, in one writev, in order', async () => {
    const { stream, calls } = recordingStream();
    coalesceWrites(stream, 'end-of-turn');
    stream.write('a');
    process.nextTick(() => stream.write('b'));
    await Promise.resolve();
    stream.write('c');
    await nextPass();
    stream.write('d');
    await nextPass();
    expect(calls).toEqual([['a', 'c', 'b'], ['d']]);
  });

  it('keeps back-pressure: false past the high-water mark, then drain after the flush', async () => {
    const { stream, calls } = recordingStream(4);
    coalesceWrites(stream, 'end-of-turn');
    expect(stream.write('ab')).toBe(true);
    expect(stream.write('cdef')).toBe(false);
    await once(stream, 'drain');
    expect(calls).toEqual([['ab', 'cdef']]);
  });

  it('flushes what is held when the stream ends in the same turn', async () => {
    const { stream, calls } = recordingStream();
    coalesceWrites(stream, 'end-of-turn');
    stream.write('a');
    stream.end('b');
    await once(stream, 'finish');
    expect(calls.flat()).toEqual(['a', 'b']);
  });

  it('leaves a stream destroyed while its writes were held alone', async () => {
    const { stream, calls } = recordingStream();
    stream.on('error', () => undefined);
    coalesceWrites(stream, 'end-of-turn');
    stream.write('a');
    stream.destroy();
    await nextPass();
    expect(calls).toEqual([]);
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
    const socket = client.conn as Socket & Record<'_write' | '_writev', (...a: unknown[]) => void>;
    for (const name of ['_write', '_writev'] as const) {
      const original = socket[name];
      socket[name] = function counted(this: Socket, ...args: unknown[]) {
        calls += 1;
        return original.apply(this, args);
      };
    }
    return () => calls;
  }

  it('sends a burst of pushes to one subscriber in fewer writes than packets, in order', async () => {
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
