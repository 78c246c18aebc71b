import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import type { IClientOptions, MqttClient } from 'mqtt';
import { startStandalone, type Standalone } from '../src/standalone';
import { ApiTestServer } from './api-test-client';

// The limits of docs/reliability.md end to end: login lockout (docs/api/README.md) over MQTT
// CONNECT, and a limit hit visible on /metrics.

jest.setTimeout(60_000);

const ADMIN = { username: 'dhadmin', password: 'dhadmin_#911' };

describe(`${startStandalone.name} limits`, () => {
  const server = new ApiTestServer();
  let app: Standalone;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    await server.start({ DH_REQUEST_RATE: '1', DH_REQUEST_BURST: '5' });
    app = server.app;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await server.stop();
  });

  const url = () => `mqtt://127.0.0.1:${app.ports.mqtt}`;

  async function connect(id: string, options: IClientOptions = {}): Promise<MqttClient> {
    const client = await connectMqtt(url(), id, options);
    clients.push(client);
    return client;
  }

  async function request(client: MqttClient, inbox: Inbox, body: object): Promise<unknown> {
    await client.publishAsync('dh/request', JSON.stringify(body), { qos: 1 });
    return (await inbox.next(10_000)).payload;
  }

  describe('when a user sends 10 wrong passwords on CONNECT', () => {
    it('locks the user: CONNACK 5 afterwards, even with the right password', async () => {
      const admin = await connect('lim-admin', ADMIN);
      const inbox = new Inbox(admin);
      await admin.subscribeAsync('dh/response/#', { qos: 1 });
      expect(
        await request(admin, inbox, {
          action: 'user/insert',
          requestId: 1,
          user: { login: 'locky', role: 1, status: 0, password: 'right-pass-1' },
        }),
      ).toMatchObject({ status: 'success' });
      await expect(
        connect('lim-before', { username: 'locky', password: 'right-pass-1' }),
      ).resolves.toBeDefined();

      for (let attempt = 1; attempt <= 10; attempt++) {
        await expect(
          connectMqtt(url(), `lim-bad-${attempt}`, { username: 'locky', password: 'wrong' }),
        ).rejects.toMatchObject({ code: 4 });
      }
      await expect(
        connectMqtt(url(), 'lim-after', { username: 'locky', password: 'right-pass-1' }),
      ).rejects.toMatchObject({ code: 5 });
    });
  });

  describe('when a client sends requests past DH_REQUEST_RATE', () => {
    it('answers 429 Too many requests and counts it on /metrics', async () => {
      const client = await connect('lim-rate');
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      for (let n = 1; n <= 8; n++) {
        await client.publishAsync('dh/request', `{"action":"server/info","requestId":${n}}`, {
          qos: 1,
        });
      }
      const codes: number[] = [];
      for (let n = 0; n < 8; n++) {
        const reply = (await inbox.next(10_000)).payload as { code?: number };
        codes.push(reply.code ?? 200);
      }
      const limited = codes.filter((code) => code === 429).length;
      expect(limited).toBeGreaterThanOrEqual(2);
      expect(client.connected).toBe(true);

      const metrics = await (await fetch(`http://127.0.0.1:${app.ports.http}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith('dh_broker_limit_hits_total{limit="request_rate"'));
      expect(Number(line?.split(' ').pop())).toBe(limited);
    });
  });
});
