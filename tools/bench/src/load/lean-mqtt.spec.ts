import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { LeanMqttClient } from './lean-mqtt';

/** Plain aedes on a free port; `authenticate` accepts `bench`/`secret` only. */
async function startBroker(): Promise<{
  aedes: Aedes;
  server: Server;
  sockets: Socket[];
  url: string;
}> {
  const aedes = await Aedes.createBroker({
    authenticate: (_client, username, password, done) =>
      done(null, username === 'bench' && password?.toString() === 'secret'),
  });
  const sockets: Socket[] = [];
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.push(socket);
    aedes.handle(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    aedes,
    server,
    sockets,
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

function messages(client: LeanMqttClient, count: number): Promise<Array<[string, string]>> {
  const seen: Array<[string, string]> = [];
  return new Promise((resolve) =>
    client.on('message', (topic: string, payload: Buffer) => {
      seen.push([topic, payload.toString()]);
      if (seen.length === count) resolve(seen);
    }),
  );
}

describe(LeanMqttClient.name, () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  const credentials = { username: 'bench', password: 'secret' };

  beforeEach(async () => {
    broker = await startBroker();
  });

  afterEach(async () => {
    broker.server.close();
    await new Promise<void>((resolve) => broker.aedes.close(() => resolve()));
  });

  it('connects, subscribes and gets its own QoS 0 publishes back in order', async () => {
    const client = await LeanMqttClient.connect(broker.url, 'lean-1', credentials);
    expect(await client.subscribeAsync('lean/+', { qos: 0 })).toEqual([{ qos: 0 }]);
    const received = messages(client, 3);
    for (const n of ['1', '2', '3']) client.publish(`lean/${n}`, `payload ${n}`, { qos: 0 });
    expect(await received).toEqual([
      ['lean/1', 'payload 1'],
      ['lean/2', 'payload 2'],
      ['lean/3', 'payload 3'],
    ]);
    await client.endAsync();
  });

  it('acknowledges QoS 1 deliveries: the broker holds nothing unacknowledged', async () => {
    const subscriber = await LeanMqttClient.connect(broker.url, 'lean-sub', credentials);
    expect(await subscriber.subscribeAsync('lean/q1', { qos: 1 })).toEqual([{ qos: 1 }]);
    const acked = new Promise<void>((resolve) => {
      let count = 0;
      broker.aedes.on('ack', () => (++count === 50 ? resolve() : undefined));
    });
    const received = messages(subscriber, 50);
    const payload = 'x'.repeat(300); // over 127 bytes: a two-byte remaining length
    for (let i = 0; i < 50; i += 1) {
      const packet = {
        cmd: 'publish',
        topic: 'lean/q1',
        payload,
        qos: 1,
        dup: false,
        retain: false,
      };
      broker.aedes.publish(packet as Parameters<Aedes['publish']>[0], () => undefined);
    }
    expect((await received).every(([, body]) => body === payload)).toBe(true);
    await acked;
    await subscriber.endAsync();
  });

  it('rejects a refused CONNECT with its return code', async () => {
    await expect(
      LeanMqttClient.connect(broker.url, 'lean-bad', { username: 'bench', password: 'wrong' }),
    ).rejects.toThrow('CONNACK return code 5');
  });

  it('reports a connection the server drops', async () => {
    const client = await LeanMqttClient.connect(broker.url, 'lean-drop', credentials);
    const failed = new Promise<Error>((resolve) => client.on('error', resolve));
    for (const socket of broker.sockets) socket.destroy();
    expect((await failed).message).toBe('connection closed');
  });
});
