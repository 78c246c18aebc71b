import { connect, type Socket } from 'node:net';
import { DhError, errorReplyFrom } from '@dh-mqtt/protocol';
import { Inbox, connectMqtt, replyTo, startTestBroker, type TestBroker, within } from '../testing';

// Regression tests for the attack classes of docs/reliability.md: each hostile connection is cut
// off (or refused) and a well-behaved client on the same broker keeps working.

/** An MQTT string: two length bytes then the bytes. */
const mqttString = (bytes: Buffer) =>
  Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);

/** A packet with a one-byte remaining length (bodies under 128 bytes). */
const packet = (header: number, body: Buffer) =>
  Buffer.concat([Buffer.from([header, body.length]), body]);

/** CONNECT, MQTT 3.1.1, clean session, keepalive 60, no credentials. */
const connectPacket = (clientId: string) =>
  packet(
    0x10,
    Buffer.concat([
      mqttString(Buffer.from('MQTT')),
      Buffer.from([0x04, 0x02, 0x00, 0x3c]),
      mqttString(Buffer.from(clientId)),
    ]),
  );

/** PUBLISH QoS 0 with a raw topic. */
const publishPacket = (topic: Buffer, payload = Buffer.from('x')) =>
  packet(0x30, Buffer.concat([mqttString(topic), payload]));

/** SUBSCRIBE (packet id 1) of one raw filter at QoS 0. */
const subscribePacket = (filter: Buffer) =>
  packet(0x82, Buffer.concat([Buffer.from([0x00, 0x01]), mqttString(filter), Buffer.from([0])]));

interface RawConnection {
  socket: Socket;
  received: Buffer[];
  closed: Promise<void>;
}

function rawConnect(url: string): Promise<RawConnection> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received, closed }));
    socket.once('error', reject);
  });
}

/** A raw connection that has sent CONNECT and read its CONNACK. */
async function rawSession(url: string, clientId: string): Promise<RawConnection> {
  const raw = await rawConnect(url);
  raw.socket.write(connectPacket(clientId));
  for (const until = Date.now() + 3_000; Buffer.concat(raw.received).length < 4;) {
    if (Date.now() > until) throw new Error('no CONNACK');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect([...Buffer.concat(raw.received).subarray(0, 4)]).toEqual([0x20, 0x02, 0x00, 0x00]);
  return raw;
}

describe('hostile input (docs/reliability.md, limits)', () => {
  let t: TestBroker;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    t = await startTestBroker({ connectTimeoutMs: 300 }, { maxPacketSize: 4096 });
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await t.close();
  });

  /** A well-behaved client still gets its own replies. */
  async function othersUnaffected(): Promise<void> {
    const client = await t.connect(`fine-${Math.random().toString(36).slice(2)}`);
    const inbox = new Inbox(client);
    await client.subscribeAsync('plain/ok', { qos: 1 });
    await client.publishAsync('plain/ok', 'yes', { qos: 1 });
    expect((await inbox.next()).payload).toBe('yes');
  }

  describe('when an unauthenticated socket declares a huge CONNECT and trickles bytes', () => {
    it('is cut off at the fixed header, before the body is buffered', async () => {
      const raw = await rawConnect(t.url);
      sockets.push(raw.socket);
      raw.socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
      const trickle = setInterval(() => raw.socket.writable && raw.socket.write('x'), 5);
      await within(raw.closed, 2_000).finally(() => clearInterval(trickle));
      expect(raw.received).toEqual([]);
      await othersUnaffected();
    });
  });

  describe('when the first packet is not CONNECT', () => {
    it.each([
      ['PINGREQ', Buffer.from([0xc0, 0x00])],
      ['PUBLISH', publishPacket(Buffer.from('plain/x'))],
      ['SUBSCRIBE', subscribePacket(Buffer.from('#'))],
    ])('closes the connection on %s without answering', async (_, bytes) => {
      const raw = await rawConnect(t.url);
      sockets.push(raw.socket);
      raw.socket.write(bytes);
      await within(raw.closed, 2_000);
      expect(raw.received).toEqual([]);
      await othersUnaffected();
    });
  });

  describe('when many sockets open and never finish CONNECT', () => {
    it('times every one of them out after DH_CONNECT_TIMEOUT_MS', async () => {
      const raws = await Promise.all(Array.from({ length: 40 }, () => rawConnect(t.url)));
      sockets.push(...raws.map((raw) => raw.socket));
      // Half send nothing, half a CONNECT cut in the middle.
      raws.forEach((raw, n) => n % 2 && raw.socket.write(connectPacket('slow').subarray(0, 6)));
      const started = Date.now();
      await within(Promise.all(raws.map((raw) => raw.closed)), 3_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(t.broker.connectedClients()).toBe(0);
      await othersUnaffected();
    });
  });

  describe('when a connected client sends a topic that is not valid MQTT', () => {
    it.each([
      ['a + wildcard in a PUBLISH topic', publishPacket(Buffer.from('plain/+'))],
      ['a # wildcard in a PUBLISH topic', publishPacket(Buffer.from('dh/notification/#'))],
      ['a NUL in a PUBLISH topic', publishPacket(Buffer.from('plain/a\u0000b'))],
      ['a NUL in a dh PUBLISH topic', publishPacket(Buffer.from('dh/request\u0000'))],
      ['ill-formed UTF-8 in a PUBLISH topic', publishPacket(Buffer.from([0x61, 0xc3, 0x28]))],
      ['ill-formed UTF-8 in a SUBSCRIBE filter', subscribePacket(Buffer.from([0x61, 0xff]))],
      ['a NUL in a SUBSCRIBE filter', subscribePacket(Buffer.from('a\u0000/#'))],
    ])('closes the connection on %s and routes nothing', async (_, bytes) => {
      const listener = await t.connect('listener');
      const listenerInbox = new Inbox(listener);
      await listener.subscribeAsync('#', { qos: 0 });
      const raw = await rawSession(t.url, 'hostile');
      sockets.push(raw.socket);
      raw.socket.write(bytes);
      await within(raw.closed, 2_000);
      expect(await listenerInbox.quietFor(50)).toEqual([]);
      await othersUnaffected();
    });
  });

  describe('when a topic has tens of thousands of levels', () => {
    const deep = '/a'.repeat(30_000).slice(1);

    it.each([
      [
        'publish',
        (client: Awaited<ReturnType<TestBroker['connect']>>) => client.publish(deep, 'x'),
      ],
      [
        'subscribe',
        (client: Awaited<ReturnType<TestBroker['connect']>>) =>
          client.subscribe(deep, () => undefined),
      ],
    ])('cuts the connection on %s without a stack overflow', async (_, send) => {
      const client = await t.connect('deep');
      const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
      send(client);
      await within(gone, 2_000);
      await othersUnaffected();
    });
  });

  describe('when client ids or JSON keys are Object.prototype names', () => {
    it('keeps the sessions apart and answers each with its own reply', async () => {
      const ids = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
      const clients = await Promise.all(ids.map((id) => t.connect(id)));
      const inboxes = clients.map((client) => new Inbox(client));
      await Promise.all(
        clients.map((client) => client.subscribeAsync('dh/response/#', { qos: 1 })),
      );
      await Promise.all(
        clients.map((client, n) =>
          client.publishAsync(
            'dh/request',
            `{"action":"server/info","requestId":${n},"__proto__":{"x":1}}`,
            {
              qos: 1,
            },
          ),
        ),
      );
      for (const [n, inbox] of inboxes.entries()) {
        expect(await inbox.next()).toMatchObject({
          topic: `dh/response/server/info@${ids[n]}`,
          payload: { requestId: n },
        });
      }
      expect(({} as { x?: number }).x).toBeUndefined();
    });
  });

  describe('when a username contains MQTT wildcards', () => {
    it.each(['#', '+', 'dh/#'])(
      'sends %j to the login verbatim and refuses it like any bad login',
      async (username) => {
        t.bus.handler = async (envelope) => ({
          ...replyTo(envelope),
          reply: errorReplyFrom('token', null, new DhError('DH_ERR_UNAUTHORIZED')),
        });
        await expect(connectMqtt(t.url, 'wild', { username, password: 'x' })).rejects.toMatchObject(
          {
            code: 4,
          },
        );
        expect(t.bus.requests.map((r) => r.request['login'])).toEqual([username]);
        await othersUnaffected();
      },
    );
  });
});
