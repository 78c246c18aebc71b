import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import type { createInProcessBus } from '@dh-mqtt/bus';
import { createRemoteEventStream, type RemoteEventStream } from '@dh-mqtt/devicehive-remote';
import type { MqttClient } from 'mqtt';
import { ADMIN, ApiTestServer, SAMPLE_DEVICE } from './api-test-client';

jest.setTimeout(60_000);

// Test wiring (not production code): the front instance's in-process bus is captured so that the
// remote event stream can publish into it, as the gateway side does in remote mode (docs/adr/0015).
const mockBuses: Array<ReturnType<typeof createInProcessBus>> = [];
jest.mock('@dh-mqtt/bus', () => {
  const actual = jest.requireActual<typeof import('@dh-mqtt/bus')>('@dh-mqtt/bus');
  return {
    ...actual,
    createInProcessBus: (...args: Parameters<typeof actual.createInProcessBus>) => {
      const bus = actual.createInProcessBus(...args);
      mockBuses.push(bus);
      return bus;
    },
  };
});

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Pushes of a remote DeviceHive server through a front instance: a notification inserted over the
 * remote's REST API reaches the front's MQTT subscribers allowed to see it, once each.
 */
describe('remote pushes to MQTT subscribers of a front instance', () => {
  const remote = new ApiTestServer();
  const front = new ApiTestServer();
  let stream: RemoteEventStream;
  let frontBus: ReturnType<typeof createInProcessBus>;
  let remoteToken: string;
  const clients: MqttClient[] = [];

  async function subscriber(clientId: string, login: string, password: string): Promise<Inbox> {
    const client = await connectMqtt(`mqtt://127.0.0.1:${front.app.ports.mqtt}`, clientId, {
      username: login,
      password,
    });
    clients.push(client);
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/notification/#', { qos: 1 });
    return inbox;
  }

  beforeAll(async () => {
    await remote.start();
    remoteToken = await remote.login();
    // The gateway on the main thread: its in-process bus is the one captured above.
    await front.start({ DH_GATEWAY_THREAD: 'main' });
    frontBus = mockBuses[mockBuses.length - 1];
    if (!frontBus) throw new Error('the front instance did not create an in-process bus');
    // The front's users: a CLIENT of network 1 (the sample device's) and one of another network.
    const admin = { token: await front.login() };
    const other = (
      await front.rest('POST', '/api/rest/network', { ...admin, body: { name: 'n2' } })
    ).json['id'] as number;
    for (const [login, network] of [
      ['own-client', 1],
      ['other-client', other],
    ] as const) {
      const user = await front.rest('POST', '/api/rest/user', {
        ...admin,
        body: { login, password: `${login}-pass-1`, role: 1 },
      });
      await front.rest('PUT', `/api/rest/user/${user.json['id']}/network/${network}`, admin);
    }
    const base = `127.0.0.1:${remote.app.ports.api}`;
    stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${base}/api/rest`,
        authUrl: `http://${base}/auth/rest`,
        wsUrl: `ws://${base}/api/websocket`,
      },
      credentials: ADMIN,
      onEvent: (event) => frontBus.gateway.publishEvent(event),
      logger: silent,
    });
    await stream.start();
  });
  afterAll(async () => {
    for (const client of clients) await client.endAsync(true);
    await stream?.close();
    await front.stop();
    await remote.stop();
  });

  it('delivers a REST insert of the remote once to each subscriber that may see it', async () => {
    const admin = await subscriber('front-admin', ADMIN.login, ADMIN.password);
    const own = await subscriber('front-own', 'own-client', 'own-client-pass-1');
    const other = await subscriber('front-other', 'other-client', 'other-client-pass-1');

    const inserted = await remote.rest('POST', `/api/rest/device/${SAMPLE_DEVICE}/notification`, {
      token: remoteToken,
      body: { notification: 'from-remote', parameters: { t: 1 } },
    });
    expect(inserted.status).toBe(201);
    const stored = (
      await remote.rest(
        'GET',
        `/api/rest/device/${SAMPLE_DEVICE}/notification/${inserted.json['id']}`,
        {
          token: remoteToken,
        },
      )
    ).body;

    const expected = {
      topic: `dh/notification/1/1/${SAMPLE_DEVICE}/from-remote`,
      payload: { action: 'notification/insert', notification: stored },
    };
    expect(await admin.next(10_000)).toMatchObject(expected);
    expect(await own.next(10_000)).toMatchObject(expected);
    expect(await admin.quietFor(500)).toEqual([]);
    expect(await own.quietFor(0)).toEqual([]);
    expect(await other.quietFor(0)).toEqual([]);
  });

  it('delivers a command update without origin to the MQTT or WebSocket session that inserted the command', async () => {
    // The remote's updates carry no MQTT client id: the front finds the inserting session itself.
    const origin = await connectMqtt(`mqtt://127.0.0.1:${front.app.ports.mqtt}`, 'cmd-origin', {
      username: ADMIN.login,
      password: ADMIN.password,
    });
    clients.push(origin);
    const originInbox = new Inbox(origin);
    await origin.subscribeAsync(['dh/command_update/#', 'dh/response/command/insert@cmd-origin'], {
      qos: 1,
    });
    const bystander = await subscriber('cmd-bystander', ADMIN.login, ADMIN.password);
    await clients[clients.length - 1].subscribeAsync('dh/command_update/#', { qos: 1 });
    await origin.publishAsync(
      'dh/request',
      JSON.stringify({
        action: 'command/insert',
        requestId: 'i1',
        deviceId: SAMPLE_DEVICE,
        command: { command: 'by-mqtt' },
      }),
      { qos: 1 },
    );
    const mqttInsert = (await originInbox.next(10_000)).payload as {
      command: { id: number };
    };
    const ws = await front.websocket();
    await ws.request({ action: 'authenticate', token: await front.login() });
    const wsInsert = await ws.request({
      action: 'command/insert',
      deviceId: SAMPLE_DEVICE,
      command: { command: 'by-ws' },
    });
    const wsId = (wsInsert['command'] as { id: number }).id;

    const update = (id: number, name: string) => ({
      kind: 'command/update' as const,
      deviceId: SAMPLE_DEVICE,
      networkId: 1,
      deviceTypeId: 1,
      name,
      data: {
        id,
        command: name,
        deviceId: SAMPLE_DEVICE,
        networkId: 1,
        deviceTypeId: 1,
        status: 'done',
      },
    });
    await frontBus.gateway.publishEvent(update(mqttInsert.command.id, 'by-mqtt'));
    await frontBus.gateway.publishEvent(update(wsId, 'by-ws'));

    expect(await originInbox.next(10_000)).toMatchObject({
      topic: `dh/command_update/1/1/${SAMPLE_DEVICE}/by-mqtt`,
      payload: { action: 'command/update', command: { id: mqttInsert.command.id } },
    });
    expect(await ws.next((m) => m['action'] === 'command/update')).toEqual({
      action: 'command/update',
      command: expect.objectContaining({ id: wsId, status: 'done' }),
    });
    expect(await originInbox.quietFor(500)).toEqual([]);
    expect(
      (await bystander.quietFor(0)).filter((m) => m.topic.startsWith('dh/command_update')),
    ).toEqual([]);
  });
});
