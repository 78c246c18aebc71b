import { connect, type Socket } from 'node:net';
import { Inbox, startTestBroker, type TestBroker } from '../testing';
import { PacketSizeGuard } from './packet-size-guard';

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

describe(PacketSizeGuard.name, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker({}, { maxPacketSize: 2048 });
  });

  afterEach(async () => {
    await t.close();
  });

  describe('when an unauthenticated socket declares a huge CONNECT', () => {
    it('closes the connection before the body arrives', async () => {
      const { port } = new URL(t.url);
      const socket = connect(Number(port), '127.0.0.1');
      const ended = closed(socket);
      // CONNECT, remaining length 268 435 455 (0xff 0xff 0xff 0x7f), then a trickle of bytes.
      socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x04]));
      await ended;
      expect(socket.destroyed).toBe(true);
    });
  });

  describe('when a connected client publishes over the limit', () => {
    it('disconnects it; packets under the limit pass', async () => {
      const client = await t.connect('big', { reconnectPeriod: 0 });
      const inbox = new Inbox(client);
      await client.subscribeAsync('plain/x', { qos: 1 });
      await client.publishAsync('plain/x', 'x'.repeat(1500), { qos: 1 });
      expect((await inbox.next()).payload).toBe('x'.repeat(1500));

      const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish('plain/x', 'x'.repeat(3000), { qos: 0 });
      await gone;
      expect(client.connected).toBe(false);
    });
  });

  it.each([
    [[0x30, 0x00], 2],
    [[0x30, 0x7f], 129],
    [[0x30, 0x80, 0x01], 131],
  ])('passes a header %j (packet of %d bytes) at exactly its size', async (header, size) => {
    const guard = new PacketSizeGuard(size);
    const body = Buffer.alloc(size - header.length);
    const errors: Error[] = [];
    guard.on('error', (err) => errors.push(err));
    guard.write(Buffer.concat([Buffer.from(header), body]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
    const tooSmall = new PacketSizeGuard(size - 1);
    tooSmall.on('error', (err) => errors.push(err));
    tooSmall.write(Buffer.from(header));
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
  });
});
