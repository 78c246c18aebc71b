import { readdirSync } from 'node:fs';
import { connectMqtt } from '@dh-mqtt/broker/testing';
import { ADMIN, ApiTestServer, SAMPLE_DEVICE } from './api-test-client';
import { FaultProxy } from './fault-proxy';
import { MqttTestSession } from './remote-client';

jest.setTimeout(120_000);

/** The bound of each remote call in this suite (DH_DEVICEHIVE_TIMEOUT_MS). */
const REMOTE_TIMEOUT_MS = 1_500;
const CLIENT_USER = { login: 'remote-e2e-client', password: 'Client-Pa55word!r7' };

// docs/adr/0014: a second, separate instance of this product serves the DeviceHive REST API as
// the "remote DeviceHive"; the process under test runs every action on it over real HTTP,
// through a proxy that can stop or stall it.
describe('the remote DeviceHive backend, embedded mode', () => {
  const remote = new ApiTestServer();
  const front = new ApiTestServer();
  let proxy: FaultProxy;
  const sessions: MqttTestSession[] = [];

  beforeAll(async () => {
    await remote.start();
    proxy = new FaultProxy(remote.app.ports.api as number);
    await proxy.start();
    await front.start({
      DH_API_PORT: 'off',
      DH_DEVICEHIVE_URL: `http://127.0.0.1:${proxy.port}/api/rest`,
      DH_DEVICEHIVE_LOGIN: ADMIN.login,
      DH_DEVICEHIVE_PASSWORD: ADMIN.password,
      DH_DEVICEHIVE_TIMEOUT_MS: String(REMOTE_TIMEOUT_MS),
      // Unset: every token is checked by the server (the cluster suite checks a shared secret).
      DH_JWT_SECRET: '',
    });
  });

  afterAll(async () => {
    await Promise.all(sessions.map((session) => session.close()));
    await front.stop();
    await proxy?.stop();
    await remote.stop();
  });

  const mqttUrl = () => `mqtt://127.0.0.1:${front.app.ports.mqtt}`;

  async function open(clientId: string, login?: { login: string; password: string }) {
    const session = await MqttTestSession.open(
      mqttUrl(),
      clientId,
      login ? { username: login.login, password: login.password } : {},
    );
    sessions.push(session);
    return session;
  }

  async function readyz(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${front.app.ports.http}/readyz`);
    return response.status;
  }
  /** Readiness once settled: it follows the server's event stream too, which reconnects by itself. */
  async function readyzWithin(expected: number, ms = 10_000): Promise<number> {
    const until = Date.now() + ms;
    for (;;) {
      const status = await readyz();
      if (status === expected || Date.now() > until) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('opens no local database', async () => {
    expect(readdirSync(front.dataDir)).toEqual([]);
    expect(await readyzWithin(200)).toBe(200);
  });

  describe('identity', () => {
    it('logs in on CONNECT with a user of the remote server', async () => {
      const admin = await open('remote-login', ADMIN);
      const reply = await admin.ok({ action: 'user/getCurrent' });
      expect(reply['current']).toMatchObject({ id: 1, login: ADMIN.login, role: 0 });
    });

    it('refuses a wrong password with CONNACK 4', async () => {
      await expect(
        connectMqtt(mqttUrl(), 'remote-bad-password', {
          username: ADMIN.login,
          password: 'not-the-password',
        }),
      ).rejects.toMatchObject({ code: 4 });
    });

    it('authenticates a session with a token the remote server issued', async () => {
      const token = await remote.login();
      const anonymous = await open('remote-authenticate');
      expect(await anonymous.ask({ action: 'device/get', deviceId: SAMPLE_DEVICE })).toMatchObject({
        status: 'error',
        code: 401,
        error: 'Unauthorized',
      });

      expect(await anonymous.ask({ action: 'authenticate', token })).toMatchObject({
        status: 'success',
      });
      const reply = await anonymous.ok({ action: 'device/get', deviceId: SAMPLE_DEVICE });
      expect(reply['device']).toMatchObject({ id: SAMPLE_DEVICE, networkId: 1 });
    });

    it('refuses a token the remote server refuses, and keeps the session anonymous', async () => {
      const token = await remote.login();
      const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      const session = await open('remote-forged');

      expect(await session.ask({ action: 'authenticate', token: forged })).toMatchObject({
        status: 'error',
        code: 401,
        error: 'Invalid credentials',
      });
      expect(await session.ask({ action: 'user/getCurrent' })).toMatchObject({ code: 401 });
    });
  });

  describe('actions, with the client’s own identity', () => {
    let admin: MqttTestSession;
    let adminToken: string;

    beforeAll(async () => {
      admin = await open('remote-admin', ADMIN);
      adminToken = await remote.login();
    });

    it('saves, gets and lists a device on the remote server', async () => {
      await admin.ok({
        action: 'device/save',
        deviceId: 'remote-e2e-device',
        device: { name: 'Remote device', networkId: 1, deviceTypeId: 1, data: { floor: 2 } },
      });

      const onServer = await remote.rest('GET', '/api/rest/device/remote-e2e-device', {
        token: adminToken,
      });
      expect(onServer.json).toMatchObject({ name: 'Remote device', data: { floor: 2 } });
      const got = await admin.ok({ action: 'device/get', deviceId: 'remote-e2e-device' });
      expect(got['device']).toEqual(onServer.body);
      const listed = await admin.ok({ action: 'device/list', namePattern: 'Remote dev%' });
      expect(listed['devices']).toEqual([onServer.body]);
      const counted = await admin.ok({ action: 'device/count', namePattern: 'Remote dev%' });
      expect(counted['count']).toBe(1);
    });

    it('passes the server’s error status and text on', async () => {
      const onServer = await remote.rest('GET', '/api/rest/device/no-such-device', {
        token: adminToken,
      });
      expect(onServer.status).toBe(404);

      const reply = await admin.ask({ action: 'device/get', deviceId: 'no-such-device' });
      expect(reply).toMatchObject({
        status: 'error',
        code: onServer.status,
        error: onServer.json['message'],
      });
    });

    it('inserts, gets, updates, lists and deletes a network', async () => {
      const inserted = await admin.ok({
        action: 'network/insert',
        network: { name: 'Remote e2e network', description: 'first' },
      });
      const id = (inserted['network'] as { id: number }).id;
      expect(id).toEqual(expect.any(Number));

      await admin.ok({
        action: 'network/update',
        networkId: id,
        network: { description: 'second' },
      });
      const got = await admin.ok({ action: 'network/get', networkId: id });
      expect(got['network']).toMatchObject({
        id,
        name: 'Remote e2e network',
        description: 'second',
      });
      const listed = await admin.ok({ action: 'network/list', name: 'Remote e2e network' });
      expect(listed['networks']).toEqual([expect.objectContaining({ id })]);

      await admin.ok({ action: 'network/delete', networkId: id });
      const onServer = await remote.rest('GET', `/api/rest/network/${id}`, { token: adminToken });
      expect(onServer.status).toBe(404);
      expect(await admin.ask({ action: 'network/get', networkId: id })).toMatchObject({
        code: 404,
        error: onServer.json['message'],
      });
    });

    it('inserts and lists notifications', async () => {
      const inserted = await admin.ok({
        action: 'notification/insert',
        deviceId: SAMPLE_DEVICE,
        notification: { notification: 'remote-e2e-temperature', parameters: { t: 21.5 } },
      });
      const notification = inserted['notification'] as { id: number; timestamp: string };
      expect(notification).toEqual({ id: expect.any(Number), timestamp: expect.any(String) });

      const listed = await admin.ok({
        action: 'notification/list',
        deviceId: SAMPLE_DEVICE,
        notification: 'remote-e2e-temperature',
      });
      expect(listed['notifications']).toEqual([
        expect.objectContaining({ id: notification.id, parameters: { t: 21.5 } }),
      ]);
      const got = await admin.ok({
        action: 'notification/get',
        deviceId: SAMPLE_DEVICE,
        notificationId: notification.id,
      });
      expect(got['notification']).toMatchObject({ id: notification.id });
    });

    it('inserts, updates and gets a command', async () => {
      const inserted = await admin.ok({
        action: 'command/insert',
        deviceId: SAMPLE_DEVICE,
        command: { command: 'remote-e2e-light', parameters: { on: true } },
      });
      const commandId = (inserted['command'] as { id: number }).id;

      await admin.ok({
        action: 'command/update',
        deviceId: SAMPLE_DEVICE,
        commandId,
        command: { status: 'done', result: { ok: 1 } },
      });
      const got = await admin.ok({ action: 'command/get', deviceId: SAMPLE_DEVICE, commandId });
      expect(got['command']).toMatchObject({
        id: commandId,
        command: 'remote-e2e-light',
        status: 'done',
        result: { ok: 1 },
      });
      const onServer = await remote.rest(
        'GET',
        `/api/rest/device/${SAMPLE_DEVICE}/command/${commandId}`,
        { token: adminToken },
      );
      expect(got['command']).toEqual(onServer.body);
    });

    it('replays stored notifications on notification/subscribe with a timestamp', async () => {
      const before = new Date(Date.now() - 60_000).toISOString();
      await remote.rest('POST', `/api/rest/device/${SAMPLE_DEVICE}/notification`, {
        token: adminToken,
        body: { notification: 'remote-e2e-replayed', parameters: { n: 1 } },
      });

      const reply = await admin.ok({
        action: 'notification/subscribe',
        deviceId: SAMPLE_DEVICE,
        names: ['remote-e2e-replayed'],
        timestamp: before,
      });
      const pushed = await admin.next((m) => m.topic.startsWith('dh/notification/'));
      expect(pushed.topic).toBe(`dh/notification/1/1/${SAMPLE_DEVICE}/remote-e2e-replayed`);
      expect(pushed.payload).toMatchObject({
        action: 'notification/insert',
        subscriptionId: reply['subscriptionId'],
        notification: { notification: 'remote-e2e-replayed', parameters: { n: 1 } },
      });
      const list = await admin.ok({ action: 'subscription/list' });
      expect(list['subscriptions']).toEqual([
        expect.objectContaining({
          subscriptionId: reply['subscriptionId'],
          deviceId: SAMPLE_DEVICE,
        }),
      ]);
    });

    it('replays the stored commands of a network subscription from the server', async () => {
      const before = new Date(Date.now() - 60_000).toISOString();
      const sent = await remote.rest('POST', `/api/rest/device/${SAMPLE_DEVICE}/command`, {
        token: adminToken,
        body: { command: 'remote-e2e-network-cmd', parameters: { n: 2 } },
      });
      expect(sent.status).toBe(201);

      const reply = await admin.ok({
        action: 'command/subscribe',
        networkIds: [1],
        names: ['remote-e2e-network-cmd'],
        timestamp: before,
      });
      const pushed = await admin.next((m) => m.topic.startsWith('dh/command/'));
      expect(pushed.topic).toBe(`dh/command/1/1/${SAMPLE_DEVICE}/remote-e2e-network-cmd`);
      expect(pushed.payload).toMatchObject({
        action: 'command/insert',
        subscriptionId: reply['subscriptionId'],
        command: { id: sent.json['id'], parameters: { n: 2 } },
      });
      expect(await admin.ask({ action: 'command/subscribe', networkIds: [424242] })).toMatchObject({
        code: 404,
        error: "Networks with such networkIds wasn't found: {[424242]}",
      });
    });

    it('answers a subscription to an unknown device as the server does', async () => {
      const onServer = await remote.rest('GET', '/api/rest/device/no-such-device', {
        token: adminToken,
      });
      const reply = await admin.ask({ action: 'command/subscribe', deviceId: 'no-such-device' });
      expect(reply).toMatchObject({ code: 404, error: onServer.json['message'] });
    });

    describe('users, as an admin and as a CLIENT user', () => {
      let userId: number;
      let client: MqttTestSession;
      let clientToken: string;

      beforeAll(async () => {
        const inserted = await admin.ok({
          action: 'user/insert',
          user: { login: CLIENT_USER.login, password: CLIENT_USER.password, role: 1, status: 0 },
        });
        userId = (inserted['user'] as { id: number }).id;
        client = await open('remote-client-user', CLIENT_USER);
        clientToken = await remote.login(CLIENT_USER.login, CLIENT_USER.password);
      });

      it('lists, gets and assigns as the admin', async () => {
        const listed = await admin.ok({ action: 'user/list', login: CLIENT_USER.login });
        expect(listed['users']).toEqual([
          expect.objectContaining({ id: userId, login: CLIENT_USER.login, role: 1 }),
        ]);
        await admin.ok({ action: 'user/assignNetwork', userId, networkId: 1 });
        const got = await admin.ok({ action: 'user/get', userId });
        expect(got['user']).toMatchObject({
          id: userId,
          networks: [expect.objectContaining({ id: 1 })],
        });
        const network = await admin.ok({ action: 'user/getNetwork', userId, networkId: 1 });
        expect(network['network']).toEqual({ network: expect.objectContaining({ id: 1 }) });
        await admin.ok({ action: 'user/unassignNetwork', userId, networkId: 1 });
      });

      it('refuses the CLIENT user what the server refuses, with the server’s answer', async () => {
        expect(await client.ask({ action: 'user/list' })).toMatchObject({
          code: 403,
          error: 'Access is denied',
        });
        const onServer = await remote.rest('GET', `/api/rest/device/${SAMPLE_DEVICE}`, {
          token: clientToken,
        });
        expect(onServer.status).toBeGreaterThanOrEqual(400);

        const reply = await client.ask({ action: 'device/get', deviceId: SAMPLE_DEVICE });
        expect(reply).toMatchObject({
          status: 'error',
          code: onServer.status,
          error: onServer.json['message'],
        });
        const current = await client.ok({ action: 'user/getCurrent' });
        expect(current['current']).toMatchObject({ id: userId, login: CLIENT_USER.login, role: 1 });
      });
    });
  });

  describe('faults of the remote server', () => {
    let admin: MqttTestSession;

    beforeAll(async () => {
      admin = await open('remote-faults', ADMIN);
    });

    afterEach(() => proxy.setMode('pass'));

    it('answers 503 within the bound while the server is down, and recovers without restart', async () => {
      proxy.setMode('down');
      const started = Date.now();
      const reply = await admin.ask({ action: 'device/get', deviceId: SAMPLE_DEVICE });
      const elapsed = Date.now() - started;

      expect(reply).toMatchObject({ status: 'error', code: 503, error: 'Service unavailable' });
      expect(elapsed).toBeLessThan(REMOTE_TIMEOUT_MS + 2_000);
      expect(await readyz()).toBe(503);

      proxy.setMode('pass');
      expect(await readyzWithin(200)).toBe(200);
      const back = await admin.ok({ action: 'device/get', deviceId: SAMPLE_DEVICE });
      expect(back['device']).toMatchObject({ id: SAMPLE_DEVICE });
    });

    it('answers 503 "no reply within" when the server does not answer in time', async () => {
      proxy.setMode('hang');
      const started = Date.now();
      const reply = await admin.ask({ action: 'device/list' });
      const elapsed = Date.now() - started;

      expect(reply).toMatchObject({
        status: 'error',
        code: 503,
        error: `Service unavailable: no reply within ${REMOTE_TIMEOUT_MS} ms`,
      });
      expect(elapsed).toBeGreaterThanOrEqual(REMOTE_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(REMOTE_TIMEOUT_MS + 2_000);
      expect(await readyz()).toBe(503);
    });

    it('refuses CONNECT logins with CONNACK 3 while the server is down', async () => {
      proxy.setMode('down');
      await expect(
        connectMqtt(mqttUrl(), 'remote-login-down', {
          username: ADMIN.login,
          password: ADMIN.password,
        }),
      ).rejects.toMatchObject({ code: 3 });
    });
  });
});
