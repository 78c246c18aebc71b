import { randomUUID } from 'node:crypto';
import { ADMIN, ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

/** The parts of the official DeviceHive JavaScript library (`devicehive` 2.1.0) used here. */
interface Model {
  toObject(): Record<string, unknown>;
}
interface DeviceHiveClient {
  connect(): Promise<DeviceHiveClient>;
  disconnect(): unknown;
  accessToken: string;
  on(event: string, listener: (message: Record<string, unknown>) => void): void;
  info: { getServerInfo(): Promise<Record<string, unknown>> };
  device: {
    add(device: Model): Promise<unknown>;
    get(id: string): Promise<Record<string, unknown>>;
  };
  notification: {
    insert(deviceId: string, notification: Model): Promise<Record<string, unknown>>;
    list(query: Model): Promise<Array<Record<string, unknown>>>;
  };
  command: {
    insert(deviceId: string, command: Model): Promise<Record<string, unknown>>;
    poll(query: Model): Promise<Array<Record<string, unknown>>>;
    subscribe(query: Model): Promise<Record<string, unknown>>;
  };
}
interface DeviceHiveModule {
  new (options: Record<string, string>): DeviceHiveClient;
  MESSAGE_EVENT: string;
  models: {
    Device: new (fields: Record<string, unknown>) => Model;
    Notification: new (fields: Record<string, unknown>) => Model;
    Command: new (fields: Record<string, unknown>) => Model;
    query: {
      CommandPollQuery: new (fields: Record<string, unknown>) => Model;
      NotificationListQuery: new (fields: Record<string, unknown>) => Model;
    };
  };
}

// The library is CommonJS without type declarations: loaded as a user of it would.
const DeviceHive = require('devicehive') as DeviceHiveModule;
const { Device, Notification, Command, query } = DeviceHive.models;

/**
 * Issue 15 item 5: DeviceHive's own JavaScript client library, unchanged, against the embedded
 * process, over REST and over WebSocket: log in (the library also exchanges its token through
 * `/token/create`), create a device, send a notification, receive a command.
 */
describe('the official DeviceHive JavaScript library (devicehive 2.1.0)', () => {
  const server = new ApiTestServer();
  const clients: DeviceHiveClient[] = [];

  beforeAll(() => server.start());
  afterAll(async () => {
    for (const client of clients) await Promise.resolve(client.disconnect()).catch(() => undefined);
    await server.stop();
  });

  const connect = async (urls: Record<string, string>) => {
    const client = new DeviceHive({ login: ADMIN.login, password: ADMIN.password, ...urls });
    clients.push(client);
    await client.connect();
    return client;
  };

  /** A command for `deviceId`, sent by another client over REST. */
  const sendCommand = async (deviceId: string, name: string) => {
    const token = await server.login();
    const reply = await server.rest('POST', `/api/rest/device/${deviceId}/command`, {
      token,
      body: { command: name, parameters: { level: 3 } },
    });
    expect(reply.status).toBe(201);
    return reply.json['id'];
  };

  async function createDeviceAndNotify(client: DeviceHiveClient, name: string) {
    const id = randomUUID();
    await client.device.add(
      new Device({ id, name, networkId: 1, deviceTypeId: 1, blocked: false }),
    );
    expect(await client.device.get(id)).toMatchObject({ id, name, networkId: 1 });
    const inserted = await client.notification.insert(
      id,
      new Notification({ notification: 'temperature', parameters: { celsius: 21.5 } }),
    );
    expect(inserted).toEqual(expect.objectContaining({ id: expect.any(Number) }));
    const listed = await client.notification.list(
      new query.NotificationListQuery({ deviceId: id }),
    );
    // DeviceHive's own `$device-add` notification is listed too.
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          deviceId: id,
          notification: 'temperature',
          parameters: { celsius: 21.5 },
        }),
      ]),
    );
    return id;
  }

  it('works over REST: login, device, notification, and a command by long poll', async () => {
    const client = await connect({
      mainServiceURL: `${server.base}/api/rest`,
      authServiceURL: `${server.base}/auth/rest`,
      pluginServiceURL: `${server.base}/plugin/rest`,
    });
    expect(client.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await client.info.getServerInfo()).toEqual(
      expect.objectContaining({ webSocketServerUrl: expect.stringContaining('/api/websocket') }),
    );
    const deviceId = await createDeviceAndNotify(client, 'official-rest');

    const polled = client.command.poll(new query.CommandPollQuery({ deviceId, waitTimeout: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const commandId = await sendCommand(deviceId, 'light-on');

    expect(await polled).toEqual([
      expect.objectContaining({ id: commandId, command: 'light-on', deviceId }),
    ]);
  });

  it('works over WebSocket: login, device, notification, and a command by subscription', async () => {
    const client = await connect({
      mainServiceURL: `ws://127.0.0.1:${server.app.ports.api}/api/websocket`,
    });
    const messages: Array<Record<string, unknown>> = [];
    client.on(DeviceHive.MESSAGE_EVENT, (message) => messages.push(message));
    const deviceId = await createDeviceAndNotify(client, 'official-ws');
    const sent = await client.command.insert(
      deviceId,
      new Command({ command: 'self-test', parameters: {} }),
    );
    expect(sent).toEqual(expect.objectContaining({ id: expect.any(Number) }));

    const subscription = await client.command.subscribe(
      new query.CommandPollQuery({ deviceId, names: ['light-off'] }),
    );
    expect(subscription).toEqual(expect.objectContaining({ subscriptionId: expect.anything() }));
    const commandId = await sendCommand(deviceId, 'light-off');

    // The library hands a pushed command over as the command itself, tagged with the
    // subscription it came by.
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m['id'] === commandId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(messages.find((m) => m['id'] === commandId)).toEqual(
      expect.objectContaining({
        command: 'light-off',
        deviceId,
        subscriptionId: subscription['subscriptionId'],
      }),
    );
  });
});
