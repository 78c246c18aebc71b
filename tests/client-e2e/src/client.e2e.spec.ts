import { startEmbeddedServer, type EmbeddedServer } from './support/embedded-standalone';
import {
  DhClient,
  DhRequestError,
  DhTimeoutError,
  type DhPush,
  type NotificationInsertPush,
} from '@dh-mqtt/client';

// The client against the real embedded process: requests and their typed replies, error
// replies, both ways to authenticate, pushes of both kinds of subscription, commands and their
// updates, timeouts (docs/topics/README.md, docs/api/README.md).

jest.setTimeout(60_000);

const ADMIN = { username: 'dhadmin', password: 'dhadmin_#911' };
/** The sample device of a fresh database (docs/api/README.md "A fresh database"). */
const SAMPLE_DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

/** Resolves with the first `count` values `subscribe` hands over. */
function collect<T>(count: number, subscribe: (push: (value: T) => void) => unknown): Promise<T[]> {
  return new Promise((resolve) => {
    const values: T[] = [];
    subscribe((value) => {
      values.push(value);
      if (values.length === count) resolve(values);
    });
  });
}

describe('DhClient against the embedded server', () => {
  let server: EmbeddedServer;
  const clients: DhClient[] = [];
  let seq = 0;

  async function open(options: Partial<Parameters<typeof DhClient.connect>[0]> = {}) {
    const client = await DhClient.connect({
      url: server.mqttUrl,
      clientId: `client-e2e-${++seq}`,
      ...ADMIN,
      ...options,
    });
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startEmbeddedServer();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end()));
  });

  afterAll(async () => {
    await server?.stop(true);
  });

  it('answers a request with its typed reply, paired by requestId', async () => {
    const client = await open();
    const [info, device] = await Promise.all([
      client.request('server/info'),
      client.request('device/get', { deviceId: SAMPLE_DEVICE }),
    ]);
    expect(info.info.apiVersion).toEqual(expect.any(String));
    expect(device).toMatchObject({
      action: 'device/get',
      status: 'success',
      device: { id: SAMPLE_DEVICE, name: 'Sample Device', networkId: 1, deviceTypeId: 1 },
    });
  });

  it('rejects an error reply with a DhRequestError carrying the code and the exact text', async () => {
    const client = await open();
    const failure = client.request('device/get', { deviceId: 'no-such-device' });
    await expect(failure).rejects.toBeInstanceOf(DhRequestError);
    await expect(failure).rejects.toMatchObject({
      action: 'device/get',
      code: 404,
      status: 'error',
      message: 'Device with such deviceId = no-such-device not found',
    });
  });

  it('logs an anonymous session in with a login, then with the access token on a new connection', async () => {
    const anonymous = await open({ username: undefined, password: undefined });
    await expect(anonymous.request('user/getCurrent')).rejects.toMatchObject({ code: 401 });
    const tokens = await anonymous.login(ADMIN.username, ADMIN.password);
    expect((await anonymous.request('user/getCurrent')).current.login).toBe('dhadmin');

    const byToken = await open({ username: undefined, password: undefined, ...tokens });
    expect((await byToken.request('user/getCurrent')).current.login).toBe('dhadmin');
  });

  it('refuses to connect with a wrong password', async () => {
    await expect(
      DhClient.connect({ url: server.mqttUrl, username: 'dhadmin', password: 'wrong' }),
    ).rejects.toThrow();
  });

  it('rejects a topic listener the server refuses (anonymous on an event topic)', async () => {
    const anonymous = await open({ username: undefined, password: undefined });
    await expect(
      anonymous.listen('notification', { deviceId: SAMPLE_DEVICE }, () => undefined),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('also speaks MQTT over WebSocket', async () => {
    const client = await open({ url: server.wsUrl });
    expect((await client.request('server/info')).status).toBe('success');
  });

  it('delivers notifications to a request-made subscription and to a topic listener', async () => {
    const watcher = await open();
    const device = await open();
    const bySubscription = collect<NotificationInsertPush>(1, (push) =>
      watcher.subscribeNotifications({ deviceId: SAMPLE_DEVICE, names: ['temperature'] }, push),
    );
    const subscription = await new Promise<{ id: number | undefined }>((resolve) => {
      void watcher
        .subscribeNotifications({ deviceId: SAMPLE_DEVICE, names: ['humidity'] }, () => undefined)
        .then(resolve);
    });
    expect(subscription.id).toEqual(expect.any(Number));
    const byTopic = collect<DhPush>(1, (push) =>
      watcher.listen('notification', { deviceId: SAMPLE_DEVICE, name: 'temperature' }, push),
    );
    await new Promise((r) => setTimeout(r, 200));
    const inserted = await device.request('notification/insert', {
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'temperature', parameters: { t: 21.5 } },
    });

    const [pushed] = await bySubscription;
    expect(pushed).toMatchObject({
      action: 'notification/insert',
      notification: { id: inserted.notification.id, parameters: { t: 21.5 } },
      subscriptionId: expect.any(Number),
    });
    expect((await byTopic)[0]).toMatchObject({
      notification: { id: inserted.notification.id },
      subscriptionId: null,
    });
  });

  it('carries a command to the device and its update back to the sender only', async () => {
    const operator = await open();
    const device = await open();
    const bystander = await open();
    const seen: DhPush[] = [];
    await bystander.listen('command_update', {}, (push) => seen.push(push));
    const answered = collect<Promise<unknown>>(1, (answer) =>
      device.listen('command', { deviceId: SAMPLE_DEVICE }, (push) =>
        answer(
          device.request('command/update', {
            deviceId: SAMPLE_DEVICE,
            commandId: push.command.id,
            command: { status: 'done', result: { on: true } },
          }),
        ),
      ),
    );
    const update = collect<DhPush>(1, (push) =>
      operator.listen('command_update', { deviceId: SAMPLE_DEVICE }, push),
    );
    await new Promise((r) => setTimeout(r, 200));
    const sent = await operator.request('command/insert', {
      deviceId: SAMPLE_DEVICE,
      command: { command: 'light', parameters: { on: true } },
    });
    expect((await update)[0]).toMatchObject({
      action: 'command/update',
      command: { id: sent.command.id, status: 'done', result: { on: true } },
    });
    expect(await (await answered)[0]).toMatchObject({ status: 'success' });
    expect(seen).toEqual([]);
  });

  it('times out a request the server does not answer', async () => {
    const client = await open({ requestTimeoutMs: 300 });
    server.pause();
    try {
      await expect(client.request('server/info')).rejects.toBeInstanceOf(DhTimeoutError);
    } finally {
      server.resume();
    }
  });
});
