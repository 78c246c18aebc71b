import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import type { MqttClient } from 'mqtt';
import { startStandalone, type Standalone } from '../src/standalone';
import { ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

/** The bootstrap device (docs/api/README.md): network 1, device type 1. */
const DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';
const QUIET_MS = 300;

describe(`${startStandalone.name} pushes (docs/topics/notification.md)`, () => {
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

  /** The bootstrap admin, logged in on CONNECT, listening to its own replies. */
  async function admin(clientId: string): Promise<{ client: MqttClient; inbox: Inbox }> {
    const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, clientId, {
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    clients.push(client);
    const inbox = new Inbox(client);
    await client.subscribeAsync(`dh/response/#`, { qos: 1 });
    return { client, inbox };
  }

  /** Publishes a request and returns its reply's payload (the next message on `inbox`). */
  async function ask(client: MqttClient, inbox: Inbox, body: object) {
    await client.publishAsync('dh/request', JSON.stringify(body), { qos: 1 });
    const reply = await inbox.next(10_000);
    expect(reply.payload).toMatchObject({ status: 'success' });
    return reply.payload as Record<string, unknown>;
  }

  describe('when one client inserts a notification and another listens on dh/notification/#', () => {
    it('pushes it once, with the stored notification, at QoS 1', async () => {
      const listener = await admin('e2e-listener');
      await listener.client.subscribeAsync(['dh/notification/#', 'dh/notification/1/#'], {
        qos: 1,
      });
      const sender = await admin('e2e-sender');

      const reply = await ask(sender.client, sender.inbox, {
        action: 'notification/insert',
        requestId: 1,
        deviceId: DEVICE,
        notification: { notification: 'temperature', parameters: { t: 21.5 } },
      });

      const push = await listener.inbox.next(10_000);
      expect(push).toEqual({
        topic: `dh/notification/1/1/${DEVICE}/temperature`,
        qos: 1,
        payload: {
          action: 'notification/insert',
          notification: {
            id: (reply['notification'] as { id: number }).id,
            notification: 'temperature',
            deviceId: DEVICE,
            networkId: 1,
            deviceTypeId: 1,
            timestamp: expect.any(String),
            parameters: { t: 21.5 },
          },
          subscriptionId: null,
        },
      });
      expect(await listener.inbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });

  describe('when a client subscribes by request and a notification is inserted', () => {
    it('pushes it with the subscriptionId the core returned', async () => {
      const { client, inbox } = await admin('e2e-request-sub');
      const { subscriptionId } = await ask(client, inbox, {
        action: 'notification/subscribe',
        deviceId: DEVICE,
        names: ['humidity'],
      });

      await client.publishAsync(
        'dh/request',
        JSON.stringify({
          action: 'notification/insert',
          deviceId: DEVICE,
          notification: { notification: 'humidity', parameters: { h: 40 } },
        }),
        { qos: 1 },
      );

      // The in-process bus runs the event before the gateway replies: push first, then reply.
      const arrived = [await inbox.next(10_000), await inbox.next(10_000)];
      expect(arrived.map((m) => m.topic).sort()).toEqual([
        `dh/notification/1/1/${DEVICE}/humidity`,
        'dh/response/notification/insert@e2e-request-sub',
      ]);
      expect(arrived.find((m) => m.topic.startsWith('dh/notification/'))?.payload).toMatchObject({
        action: 'notification/insert',
        subscriptionId,
      });
      const list = await ask(client, inbox, { action: 'subscription/list' });
      expect(list['subscriptions']).toEqual([
        expect.objectContaining({ subscriptionId, type: 'notification', deviceId: DEVICE }),
      ]);
    });
  });

  describe('when a client streams inserts without waiting for replies (docs/adr/0017-pipelined-requests.md)', () => {
    it('stores, answers and pushes them in publish order, and a later list sees them all', async () => {
      const COUNT = 90; // under DH_MAX_PENDING_REQUESTS (1000): none is refused
      const listener = await admin('e2e-stream-listener');
      await listener.client.subscribeAsync(`dh/notification/1/1/${DEVICE}/stream`, { qos: 1 });
      const sender = await admin('e2e-stream-sender');
      const metric = async () => {
        const text = await (await fetch(`http://127.0.0.1:${app.ports.http}/metrics`)).text();
        return Number(/^dh_requests_pipelined_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1]);
      };
      // The first native publish confirms the topic's scope (a lookup); the stream then flows.
      await sender.client.publishAsync(
        `dh/notification/1/1/${DEVICE}/warm-up`,
        JSON.stringify({ parameters: {} }),
        { qos: 1 },
      );
      expect((await sender.inbox.next(10_000)).payload).toMatchObject({ status: 'success' });
      const pipelinedBefore = await metric();

      // Half as requests, half as native publishes on the event topic: one stream, one order.
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) =>
          i % 2 === 0
            ? sender.client.publishAsync(
                'dh/request',
                JSON.stringify({
                  action: 'notification/insert',
                  requestId: i,
                  deviceId: DEVICE,
                  notification: { notification: 'stream', parameters: { i } },
                }),
                { qos: 1 },
              )
            : sender.client.publishAsync(
                `dh/notification/1/1/${DEVICE}/stream`,
                JSON.stringify({ parameters: { i } }),
                { qos: 1 },
              ),
        ),
      );
      await sender.client.publishAsync(
        'dh/request',
        JSON.stringify({
          action: 'notification/list',
          requestId: 'list',
          deviceId: DEVICE,
          notification: 'stream',
          take: COUNT + 10,
        }),
        { qos: 1 },
      );

      const replies = [];
      for (let i = 0; i <= COUNT; i += 1) replies.push((await sender.inbox.next(20_000)).payload);
      const pushes = [];
      for (let i = 0; i < COUNT; i += 1) pushes.push((await listener.inbox.next(20_000)).payload);

      const inserts = replies.slice(0, COUNT) as Array<{
        status: string;
        requestId?: unknown;
        notification: { id: number };
      }>;
      expect(inserts.every((reply) => reply.status === 'success')).toBe(true);
      // Request replies echo their requestId; native outcomes carry null (docs/topics/notification.md).
      expect(inserts.map((reply) => reply.requestId ?? null)).toEqual(
        Array.from({ length: COUNT }, (_, i) => (i % 2 === 0 ? i : null)),
      );
      const ids = inserts.map((reply) => reply.notification.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(COUNT);
      expect(
        pushes.map(
          (push) => (push as { notification: { parameters: { i: number } } }).notification,
        ),
      ).toEqual(ids.map((id, i) => expect.objectContaining({ id, parameters: { i } })));
      const list = replies[COUNT] as { requestId: string; notifications: unknown[] };
      expect(list).toMatchObject({ requestId: 'list', status: 'success' });
      expect(list.notifications).toHaveLength(COUNT);
      expect(await metric()).toBeGreaterThan(pipelinedBefore);
    });
  });

  describe('when a command is updated', () => {
    it('pushes the command_update to the inserting connection only', async () => {
      const inserter = await admin('e2e-inserter');
      const bystander = await admin('e2e-bystander');
      const device = await admin('e2e-device');
      await inserter.client.subscribeAsync('dh/command_update/#', { qos: 1 });
      await bystander.client.subscribeAsync('dh/command_update/#', { qos: 1 });

      const inserted = await ask(inserter.client, inserter.inbox, {
        action: 'command/insert',
        deviceId: DEVICE,
        command: { command: 'blink' },
      });
      const commandId = (inserted['command'] as { id: number }).id;
      await ask(device.client, device.inbox, {
        action: 'command/update',
        deviceId: DEVICE,
        commandId,
        command: { status: 'done', result: { ok: true } },
      });

      expect(await inserter.inbox.next(10_000)).toMatchObject({
        topic: `dh/command_update/1/1/${DEVICE}/blink`,
        payload: {
          action: 'command/update',
          command: { id: commandId, status: 'done', result: { ok: true } },
          subscriptionId: null,
        },
      });
      expect(await bystander.inbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });
});
