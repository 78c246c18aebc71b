import { connect } from 'node:net';
import { createBroker } from './broker';
import { isAcceptableClientId } from './hooks/authenticate';
import { Inbox, connectMqtt, startTestBroker, type TestBroker } from './testing';

describe(`${createBroker.name} client ids`, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker({ maxClientIdLength: 64 });
  });

  afterEach(async () => {
    await t.close();
  });

  describe('when the client id is exotic but can own a topic', () => {
    it.each([
      ['with a slash', 'a/b'],
      ['with an @', 'a@b'],
      ['with spaces', 'my device 1'],
      ['longer than 23 characters', 'x'.repeat(40)],
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['non-ASCII', 'gerät-€-😀'],
    ])('accepts it (%s) and delivers its replies to it', async (_, clientId) => {
      const client = await t.connect(clientId);
      const inbox = new Inbox(client);
      await client.subscribeAsync(`dh/response/server/info@${clientId}`, { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"server/info","requestId":1}', { qos: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: `dh/response/server/info@${clientId}`,
        payload: { requestId: 1, status: 'success' },
      });
    });
  });

  describe('when the client id cannot own a topic or is too long', () => {
    it.each([
      ['with #', 'a#'],
      ['with +', 'a+b'],
      ['with NUL', 'a\u0000b'],
      ['over DH_MAX_CLIENT_ID_LENGTH', 'x'.repeat(65)],
    ])('refuses it (%s) with CONNACK 2 and keeps serving others', async (_, clientId) => {
      await expect(connectMqtt(t.url, clientId)).rejects.toMatchObject({ code: 2 });
      const other = await t.connect('fine');
      expect(other.connected).toBe(true);
    });
  });

  describe('when a client connects with an empty id without a clean session', () => {
    // MQTT.js and mqtt-packet refuse to write such a CONNECT, so it goes out as raw bytes.
    it.each([
      ['MQTT 3.1.1', 'MQTT', 4],
      ['MQTT 3.1', 'MQIsdp', 3],
    ] as const)('%s: refused with CONNACK 2 [MQTT-3.1.3-8]', async (_, protocolId, version) => {
      const name = Buffer.from(protocolId);
      const body = Buffer.concat([
        Buffer.from([0x00, name.length]),
        name,
        // protocol level; connect flags 0x00 (CleanSession=0); keep alive 60 s; client id ''
        Buffer.from([version, 0x00, 0x00, 0x3c, 0x00, 0x00]),
      ]);
      const connack = await rawConnack(
        t.url,
        Buffer.concat([Buffer.from([0x10, body.length]), body]),
      );
      expect(connack).toEqual(Buffer.from([0x20, 0x02, 0x00, 0x02]));
      const other = await t.connect('fine');
      expect(other.connected).toBe(true);
    });
  });

  describe('when a client connects with an empty id and a clean session', () => {
    it('gets a generated id and can still use ordinary topics', async () => {
      const client = await t.connect('');
      const inbox = new Inbox(client);
      await client.subscribeAsync('plain/x', { qos: 1 });
      await client.publishAsync('plain/x', 'hi', { qos: 1 });
      expect(await inbox.next()).toMatchObject({ topic: 'plain/x', payload: 'hi' });
    });
  });
});

describe(isAcceptableClientId.name, () => {
  it.each([
    ['c1', true],
    ['a/b@c d', true],
    ['#', false],
    ['+', false],
    ['\u0000', false],
    ['\ud800', false],
    ['x'.repeat(11), false],
  ])('%j → %s (limit 10)', (clientId, accepted) => {
    expect(isAcceptableClientId(clientId, 10)).toBe(accepted);
  });
});

/** Sends a CONNECT over a raw socket; resolves with the bytes received until the server closes. */
function rawConnack(url: string, connectPacket: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(received)));
    socket.write(connectPacket);
  });
}
