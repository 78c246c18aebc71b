import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate as nextPass } from 'node:timers/promises';
import { coalesceWrites } from './coalesce-writes';

/** A stream that records what reaches its sink, one entry per write or writev call. */
function recordingStream(): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
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
