import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import type { MqttClient } from 'mqtt';
import { ADMIN, ApiTestServer, SAMPLE_DEVICE } from './api-test-client';

jest.setTimeout(60_000);

const base = `/api/rest/device/${SAMPLE_DEVICE}`;
const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** docs/api/rest.md, "Long polling", and pushes across faces (docs/adr/0012). */
describe('REST long polling and pushes across faces', () => {
  const server = new ApiTestServer();
  let token: string;
  let mqtt: MqttClient | undefined;

  beforeAll(async () => {
    await server.start();
    token = await server.login();
  });
  afterAll(async () => {
    await mqtt?.endAsync(true);
    await server.stop();
  });

  const insert = (name: string) =>
    server.rest('POST', `${base}/notification`, { token, body: { notification: name } });

  it('answers [] after waitTimeout seconds when nothing comes, at once with 0', async () => {
    const started = Date.now();
    expect(
      await server.rest('GET', `${base}/notification/poll?waitTimeout=1`, { token }),
    ).toMatchObject({ status: 200, body: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const now = Date.now();
    expect(
      (await server.rest('GET', `${base}/notification/poll?waitTimeout=0`, { token })).body,
    ).toEqual([]);
    expect(Date.now() - now).toBeLessThan(900);
  });

  it('wakes up with the first notification inserted while it waits', async () => {
    const started = Date.now();
    const poll = server.rest('GET', `${base}/notification/poll?waitTimeout=30&names=wake`, {
      token,
    });
    await after(300);
    await insert('other-name');
    const inserted = await insert('wake');
    const reply = await poll;
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([
      expect.objectContaining({ id: inserted.json['id'], notification: 'wake' }),
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('returns the stored notifications after timestamp at once', async () => {
    const since = (await insert('replay-1')).json['timestamp'] as string;
    await after(5);
    const second = await insert('replay-2');
    const reply = await server.rest(
      'GET',
      `${base}/notification/poll?timestamp=${encodeURIComponent(since)}&names=replay-1,replay-2`,
      { token },
    );
    expect(reply.body).toEqual([expect.objectContaining({ id: second.json['id'] })]);
  });

  it('polls many devices by network and wakes up with a command', async () => {
    const poll = server.rest('GET', '/api/rest/device/command/poll?networkIds=1&waitTimeout=30', {
      token,
    });
    await after(300);
    const inserted = await server.rest('POST', `${base}/command`, {
      token,
      body: { command: 'go' },
    });
    expect((await poll).body).toEqual([
      expect.objectContaining({ id: inserted.json['id'], command: 'go', deviceId: SAMPLE_DEVICE }),
    ]);
  });

  it('replays and wakes up with updates of commands inserted before timestamp, as the reference does', async () => {
    const old = await server.rest('POST', `${base}/command`, { token, body: { command: 'older' } });
    const id = old.json['id'] as number;
    await after(20);
    const since = new Date().toISOString().slice(0, 23);
    await after(20);
    await server.rest('PUT', `${base}/command/${id}`, { token, body: { status: 'replayed' } });
    const query = `returnUpdatedCommands=true&names=older&timestamp=${since}`;
    expect(
      (
        await server.rest(
          'GET',
          `/api/rest/device/command/poll?networkIds=1&${query}&waitTimeout=0`,
          {
            token,
          },
        )
      ).body,
    ).toEqual([expect.objectContaining({ id, status: 'replayed' })]);
    // Live: a later update of the same (older) command wakes the poll up.
    const later = new Date(Date.now() + 10).toISOString().slice(0, 23);
    const poll = server.rest(
      'GET',
      `${base}/command/poll?returnUpdatedCommands=true&names=older&timestamp=${later}&waitTimeout=30`,
      { token },
    );
    await after(300);
    await server.rest('PUT', `${base}/command/${id}`, { token, body: { status: 'live' } });
    expect((await poll).body).toEqual([expect.objectContaining({ id, status: 'live' })]);
  });

  it('polls a list of devices, leaving out the ones that do not exist', async () => {
    const list = `deviceId=${SAMPLE_DEVICE},no-such-device&names=listed&waitTimeout=30`;
    const poll = server.rest('GET', `/api/rest/device/notification/poll?${list}`, { token });
    await after(300);
    const inserted = await insert('listed');
    expect((await poll).body).toEqual([expect.objectContaining({ id: inserted.json['id'] })]);
    const started = Date.now();
    const none = await server.rest(
      'GET',
      '/api/rest/device/notification/poll?deviceId=nope-1,nope-2',
      { token },
    );
    expect(none).toMatchObject({ status: 200, body: [] });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waits for one command to be updated (200), or answers 204 when it is not', async () => {
    const first = await server.rest('POST', `${base}/command`, {
      token,
      body: { command: 'wait-me' },
    });
    const id = first.json['id'] as number;
    const poll = server.rest('GET', `${base}/command/${id}/poll?waitTimeout=30`, { token });
    await after(300);
    await server.rest('PUT', `${base}/command/${id}`, {
      token,
      body: { status: 'done', result: { r: 1 } },
    });
    expect(await poll).toMatchObject({
      status: 200,
      body: { id, status: 'done', result: { r: 1 } },
    });
    // already updated: at once
    expect(
      (await server.rest('GET', `${base}/command/${id}/poll?waitTimeout=30`, { token })).status,
    ).toBe(200);
    const second = await server.rest('POST', `${base}/command`, {
      token,
      body: { command: 'never' },
    });
    const quiet = await server.rest(
      'GET',
      `${base}/command/${second.json['id']}/poll?waitTimeout=1`,
      { token },
    );
    expect(quiet).toMatchObject({ status: 204, body: undefined });
  });

  it.each(['61', '-1', 'soon'])('refuses waitTimeout=%s with 400', async (wait) => {
    expect(
      (await server.rest('GET', `${base}/notification/poll?waitTimeout=${wait}`, { token })).body,
    ).toEqual({
      error: 400,
      message: 'waitTimeout must be an integer from 0 to 60',
    });
  });

  it('answers a poll without a token 401 and one for a missing device 404', async () => {
    expect((await server.rest('GET', `${base}/notification/poll?waitTimeout=0`)).status).toBe(401);
    expect(
      (await server.rest('GET', '/api/rest/device/no-such/notification/poll', { token })).body,
    ).toEqual({
      error: 404,
      message: 'Device with such deviceId = no-such not found',
    });
  });

  it('delivers a REST insert to an MQTT subscriber and a WebSocket subscriber', async () => {
    mqtt = await connectMqtt(`mqtt://127.0.0.1:${server.app.ports.mqtt}`, 'cross-face', {
      username: ADMIN.login,
      password: ADMIN.password,
    });
    const inbox = new Inbox(mqtt);
    await mqtt.subscribeAsync(`dh/notification/+/+/${SAMPLE_DEVICE}/cross`, { qos: 1 });
    const ws = await server.websocket();
    await ws.request({ action: 'authenticate', token });
    const subscribed = await ws.request({
      action: 'notification/subscribe',
      deviceId: SAMPLE_DEVICE,
      names: ['cross'],
    });

    const inserted = await insert('cross');

    expect(await inbox.next(10_000)).toMatchObject({
      topic: `dh/notification/1/1/${SAMPLE_DEVICE}/cross`,
      payload: { action: 'notification/insert', notification: { id: inserted.json['id'] } },
    });
    expect(await ws.next((m) => m['action'] === 'notification/insert')).toEqual({
      action: 'notification/insert',
      notification: expect.objectContaining({ id: inserted.json['id'], notification: 'cross' }),
      subscriptionId: subscribed['subscriptionId'],
    });
  });

  it('delivers an MQTT insert to a REST long poll', async () => {
    mqtt ??= await connectMqtt(`mqtt://127.0.0.1:${server.app.ports.mqtt}`, 'cross-face', {
      username: ADMIN.login,
      password: ADMIN.password,
    });
    const poll = server.rest('GET', `${base}/notification/poll?waitTimeout=30&names=from-mqtt`, {
      token,
    });
    await after(300);
    const request = {
      action: 'notification/insert',
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'from-mqtt' },
    };
    await mqtt.publishAsync('dh/request', JSON.stringify(request), { qos: 1 });
    expect((await poll).body).toEqual([
      expect.objectContaining({ notification: 'from-mqtt', deviceId: SAMPLE_DEVICE }),
    ]);
  });
});
