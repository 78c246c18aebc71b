import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import type { MqttClient } from 'mqtt';
import { startStandalone, type Standalone } from '../src/standalone';
import { ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

describe(startStandalone.name, () => {
  const server = new ApiTestServer();
  let app: Standalone;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    await server.start();
    app = server.app;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await server.stop();
  });

  async function connect(clientId: string, transport: 'tcp' | 'ws' = 'tcp') {
    const url =
      transport === 'tcp'
        ? `mqtt://127.0.0.1:${app.ports.mqtt}`
        : `ws://127.0.0.1:${app.ports.ws}/mqtt`;
    const client = await connectMqtt(url, clientId);
    clients.push(client);
    return { client, inbox: new Inbox(client) };
  }

  describe('when an anonymous client asks server/info', () => {
    it.each(['tcp', 'ws'] as const)('replies with the API version over %s', async (transport) => {
      const clientId = `e2e-info-${transport}`;
      const { client, inbox } = await connect(clientId, transport);
      await client.subscribeAsync(`dh/response/server/info@${clientId}`, { qos: 1 });

      await client.publishAsync('dh/request', '{"action":"server/info","requestId":1}', { qos: 1 });

      const message = await inbox.next(10_000);
      expect(message.topic).toBe(`dh/response/server/info@${clientId}`);
      expect(message.payload).toMatchObject({
        action: 'server/info',
        requestId: 1,
        status: 'success',
        info: { apiVersion: '4.1.0', serverTimestamp: expect.any(String) },
      });
    });
  });

  describe('when the action is unknown', () => {
    it('replies 400 Illegal argument on the action’s response topic', async () => {
      const { client, inbox } = await connect('e2e-unknown');
      await client.subscribeAsync('dh/response/foo/bar@e2e-unknown', { qos: 1 });

      await client.publishAsync('dh/request', '{"action":"foo/bar","requestId":"x"}', { qos: 1 });

      expect(await inbox.next(10_000)).toMatchObject({
        topic: 'dh/response/foo/bar@e2e-unknown',
        payload: {
          action: 'foo/bar',
          requestId: 'x',
          code: 400,
          status: 'error',
          error: 'Illegal argument: foo/bar',
        },
      });
    });
  });

  describe('when the payload is not JSON', () => {
    it('replies Malformed Json on the reserved error topic', async () => {
      const { client, inbox } = await connect('e2e-garbage');
      await client.subscribeAsync('dh/response/error@e2e-garbage', { qos: 1 });

      await client.publishAsync('dh/request', 'this is not json', { qos: 1 });

      expect(await inbox.next(10_000)).toEqual({
        topic: 'dh/response/error@e2e-garbage',
        qos: 1,
        payload: { code: 400, status: 'error', error: 'Malformed Json received.' },
      });
    });
  });

  describe('when a client connects with the admin credentials', () => {
    it('authenticates the session so guarded actions run as that user', async () => {
      const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'e2e-admin', {
        username: 'dhadmin',
        password: 'dhadmin_#911',
      });
      clients.push(client);
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/user/getCurrent@e2e-admin', { qos: 1 });

      await client.publishAsync('dh/request', '{"action":"user/getCurrent","requestId":2}', {
        qos: 1,
      });

      expect((await inbox.next(10_000)).payload).toMatchObject({
        status: 'success',
        requestId: 2,
        current: { login: 'dhadmin' },
      });
    });

    it('refuses a wrong password with CONNACK 4', async () => {
      await expect(
        connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'e2e-bad', {
          username: 'dhadmin',
          password: 'wrong',
        }),
      ).rejects.toMatchObject({ code: 4 });
    });
  });

  describe('when an anonymous client asks for a guarded action', () => {
    it('replies 401 Unauthorized', async () => {
      const { client, inbox } = await connect('e2e-anon');
      await client.subscribeAsync('dh/response/user/getCurrent@e2e-anon', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"user/getCurrent"}', { qos: 1 });
      expect((await inbox.next(10_000)).payload).toMatchObject({
        code: 401,
        error: 'Unauthorized',
        requestId: null,
      });
    });
  });

  describe('when probed over HTTP', () => {
    it('is live and ready, and serves metrics', async () => {
      const base = `http://127.0.0.1:${app.ports.http}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      expect(await (await fetch(`${base}/metrics`)).text()).toContain(
        'process_cpu_user_seconds_total',
      );
    });
  });
});
