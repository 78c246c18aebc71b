import type { DeviceHivePort } from '@dh-mqtt/devicehive';
import { adminPrincipal, signToken, TEST_JWT_SECRET } from '@dh-mqtt/devicehive/testing';
import {
  ACTION_NAMES,
  ALL_PERMISSIONS,
  CLIENT_PERMISSIONS,
  findAction,
  type ActionName,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import { Registry } from 'prom-client';
import { REMOTE_ROUTES } from './actions/remote-routes';
import { createRemoteDeviceHive } from './remote-devicehive';
import { RecordingServer, type Answer, type Recorded } from './testing';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const HOUR = 3_600_000;

/** A token as DeviceHive signs it; the stand-in server does not check it, the secret does. */
function token(
  claims: { u?: number; a?: number[]; n?: string[]; dt?: string[] },
  t = 1,
  e = NOW + HOUR,
) {
  return signToken(
    TEST_JWT_SECRET,
    { u: claims.u ?? 1, a: claims.a ?? [0], n: claims.n ?? ['*'], dt: claims.dt ?? ['*'] },
    t as 0 | 1,
    e,
  );
}

describe(createRemoteDeviceHive.name, () => {
  const server = new RecordingServer();
  let port: DeviceHivePort;
  let registry: Registry;
  let access: string;
  const warnings: Array<Record<string, unknown>> = [];
  const logger = {
    info: () => undefined,
    warn: (details: Record<string, unknown>) => void warnings.push(details),
    error: () => undefined,
  };

  const admin = (): Principal => adminPrincipal({ accessToken: access });
  const run = (action: ActionName, request: JsonObject, principal: Principal | null = admin()) =>
    port.execute(action, request, { principal, clientId: 'c-1' });

  beforeAll(async () => {
    await server.start();
    access = await token({});
  });
  afterAll(() => server.stop());

  beforeEach(() => {
    server.requests.length = 0;
    warnings.length = 0;
    registry = new Registry();
    port = createRemoteDeviceHive({
      endpoints: { restUrl: server.restUrl, authUrl: server.authUrl, wsUrl: 'ws://unused' },
      timeoutMs: 300,
      logger,
      registry,
      now: () => new Date(NOW),
    });
  });
  afterEach(() => port.close());

  it('maps every action the gateway may send (the broker answers the others)', () => {
    const special = new Set(['authenticate', 'command/subscribe', 'notification/subscribe']);
    const unmapped = ACTION_NAMES.filter(
      (name) =>
        findAction(name)?.handling !== 'broker' && !special.has(name) && !REMOTE_ROUTES.has(name),
    );
    expect(unmapped).toEqual([]);
  });

  describe('when an action maps onto one REST call', () => {
    it.each<[ActionName, JsonObject, string, string, unknown, Answer, JsonObject]>([
      [
        'device/list',
        { namePattern: 'a%', networkId: 2, take: 5, skip: 0, sortOrder: 'ASC' },
        'GET',
        '/api/rest/device?namePattern=a%25&networkId=2&sortOrder=ASC&take=5&skip=0',
        undefined,
        { status: 200, body: [{ id: 'd1' }] },
        { devices: [{ id: 'd1' }] },
      ],
      [
        'device/count',
        { name: 'x' },
        'GET',
        '/api/rest/device/count?name=x',
        undefined,
        { status: 200, body: { count: 3 } },
        { count: 3 },
      ],
      [
        'device/save',
        { deviceId: 'd 1', device: { name: 'x', networkId: 1 } },
        'PUT',
        '/api/rest/device/d%201',
        { name: 'x', networkId: 1 },
        { status: 204 },
        {},
      ],
      [
        'network/delete',
        { networkId: 3, force: true },
        'DELETE',
        '/api/rest/network/3?force=true',
        undefined,
        { status: 204 },
        {},
      ],
      [
        'devicetype/insert',
        { deviceType: { name: 'T' } },
        'POST',
        '/api/rest/devicetype',
        { name: 'T' },
        { status: 201, body: { id: 9 } },
        { deviceType: { id: 9 } },
      ],
      [
        'notification/insert',
        { deviceId: 'd1', notification: { notification: 'n', timestamp: new Date(NOW) } },
        'POST',
        '/api/rest/device/d1/notification',
        { notification: 'n', timestamp: '2026-12-05T12:00:00.000' },
        { status: 201, body: { id: 5, timestamp: '2026-12-05T12:00:00.000' } },
        { notification: { id: 5, timestamp: '2026-12-05T12:00:00.000' } },
      ],
      [
        'notification/list',
        { deviceId: 'd1', start: new Date(NOW), take: 20, skip: 0 },
        'GET',
        '/api/rest/device/d1/notification?start=2026-12-05T12%3A00%3A00.000&take=20&skip=0',
        undefined,
        { status: 200, body: [] },
        { notifications: [] },
      ],
      [
        'command/update',
        { deviceId: 'd1', commandId: 7, command: { status: 'done', result: { a: 1 } } },
        'PUT',
        '/api/rest/device/d1/command/7',
        { status: 'done', result: { a: 1 } },
        { status: 204 },
        {},
      ],
      [
        'configuration/put',
        { name: 'k', value: 'v' },
        'PUT',
        '/api/rest/configuration/k',
        { value: 'v' },
        { status: 200, body: { name: 'k', value: 'v' } },
        { configuration: { name: 'k', value: 'v' } },
      ],
      [
        'user/getCurrent',
        {},
        'GET',
        '/api/rest/user/current',
        undefined,
        { status: 200, body: { id: 1, login: 'dhadmin' } },
        { current: { id: 1, login: 'dhadmin' } },
      ],
      [
        'user/getNetwork',
        { userId: 4, networkId: 1 },
        'GET',
        '/api/rest/user/4/network/1',
        undefined,
        { status: 200, body: { network: { id: 1 } } },
        { network: { network: { id: 1 } } },
      ],
      [
        'user/allowAllDeviceTypes',
        { userId: 4 },
        'PUT',
        '/api/rest/user/4/devicetype/all',
        undefined,
        { status: 204 },
        {},
      ],
      [
        'token/create',
        { payload: { userId: 4, actions: ['GetDevice'] } },
        'POST',
        '/auth/rest/token/create',
        { userId: 4, actions: ['GetDevice'] },
        { status: 201, body: { accessToken: 'a', refreshToken: 'r' } },
        { accessToken: 'a', refreshToken: 'r' },
      ],
    ])('%s calls the server as its REST API and maps the answer', async (...row) => {
      const [action, request, method, url, body, answer, reply] = row;
      server.handler = () => answer;

      const outcome = await run(action, request);

      expect(outcome).toEqual({ body: reply });
      expect(server.requests).toEqual([{ method, url, authorization: `Bearer ${access}`, body }]);
    });

    it('keeps an id of dots an id: the path is sent as built, never normalized', async () => {
      server.handler = () => ({
        status: 404,
        body: { error: 404, message: 'Device with such deviceId = .. not found' },
      });

      await expect(run('device/get', { deviceId: '..' })).rejects.toMatchObject({ status: 404 });
      await expect(run('command/get', { deviceId: '.', commandId: 1 })).rejects.toMatchObject({
        status: 404,
      });
      expect(server.requests.map((r) => r.url)).toEqual([
        '/api/rest/device/..',
        '/api/rest/device/./command/1',
      ]);
    });

    it('logs in and reads server information without a token', async () => {
      server.handler = (r) =>
        r.url === '/auth/rest/token'
          ? { status: 201, body: { accessToken: 'a', refreshToken: 'r' } }
          : { status: 200, body: { apiVersion: '4.1.0' } };

      const login = await run('token', { login: 'u', password: 'p' }, null);
      const info = await run('server/info', {}, null);

      expect(login.body).toEqual({ accessToken: 'a', refreshToken: 'r' });
      expect(info.body).toEqual({ info: { apiVersion: '4.1.0' } });
      expect(server.requests.map((r) => [r.method, r.url, r.authorization, r.body])).toEqual([
        ['POST', '/auth/rest/token', undefined, { login: 'u', password: 'p' }],
        ['GET', '/api/rest/info', undefined, undefined],
      ]);
    });

    it("returns no device events (the server's event stream is their one source)", async () => {
      server.handler = () => ({ status: 201, body: { id: 77, timestamp: 't', userId: 1 } });

      const outcome = await run('command/insert', {
        deviceId: 'd1',
        command: { command: 'on' },
      });

      expect(outcome).toEqual({ body: { command: { id: 77, timestamp: 't', userId: 1 } } });
    });

    it('counts each call by action and status', async () => {
      server.handler = () => ({ status: 200, body: [] });
      await run('network/list', {});

      const text = await registry.metrics();
      expect(text).toContain('dh_remote_requests_total{action="network/list",status="200"} 1');
      expect(text).toContain('dh_remote_request_duration_seconds_count{action="network/list"} 1');
    });
  });

  describe('when the server answers an error', () => {
    it('passes its status and text on', async () => {
      server.handler = () => ({
        status: 404,
        body: { error: 404, message: 'Device with such deviceId = x not found' },
      });

      await expect(run('device/get', { deviceId: 'x' })).rejects.toMatchObject({
        status: 404,
        message: 'Device with such deviceId = x not found',
      });
    });

    it('answers 503 Service unavailable for a proxy’s error page', async () => {
      server.handler = () => ({ status: 502, raw: '<html>Bad Gateway</html>' });

      await expect(run('device/get', { deviceId: 'x' })).rejects.toMatchObject({
        status: 503,
        message: 'Service unavailable',
      });
    });

    it('gives a status without a text the usual text', async () => {
      server.handler = () => ({ status: 403 });

      await expect(run('user/list', {})).rejects.toMatchObject({
        status: 403,
        message: 'Access is denied',
      });
    });
  });

  describe('when the server does not answer', () => {
    it('answers 503 "no reply within" after the bound, and logs no token', async () => {
      server.handler = () => 'hang';
      const started = performance.now();

      await expect(run('device/list', {})).rejects.toMatchObject({
        status: 503,
        message: 'Service unavailable: no reply within 300 ms',
      });
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(warnings).toEqual([
        expect.objectContaining({ action: 'device/list', failure: 'timeout' }),
      ]);
      expect(JSON.stringify(warnings)).not.toContain(access);
      expect(await registry.metrics()).toContain(
        'dh_remote_requests_total{action="device/list",status="timeout"} 1',
      );
    });

    it('answers 503 Service unavailable when nothing listens, and ping() is false', async () => {
      const closed = createRemoteDeviceHive({
        endpoints: {
          restUrl: 'http://127.0.0.1:1/api/rest',
          authUrl: 'http://127.0.0.1:1/auth/rest',
          wsUrl: 'ws://unused',
        },
        timeoutMs: 1_000,
        logger,
      });

      await expect(
        closed.execute('device/list', {}, { principal: admin(), clientId: 'c' }),
      ).rejects.toMatchObject({ status: 503, message: 'Service unavailable' });
      expect(await closed.ping()).toBe(false);
      await closed.close();
    });

    it('ping() is true when GET /info answers 200', async () => {
      server.handler = (r) =>
        r.url === '/api/rest/info' ? { status: 200, body: {} } : { status: 404 };
      expect(await port.ping()).toBe(true);
    });
  });

  describe('the session’s token', () => {
    it('is required: a principal without one is 401 Unauthorized', async () => {
      await expect(run('device/list', {}, adminPrincipal())).rejects.toMatchObject({
        status: 401,
        message: 'Unauthorized',
      });
      expect(server.requests).toEqual([]);
    });

    it('is renewed with the refresh token when the server says 401, and the new one kept', async () => {
      const renewed = await token({ u: 1 }, 1, NOW + 2 * HOUR);
      server.handler = (r) => {
        if (r.url === '/auth/rest/token/refresh') {
          return { status: 201, body: { accessToken: renewed } };
        }
        return r.authorization === `Bearer ${renewed}`
          ? { status: 200, body: [] }
          : { status: 401, body: { error: 401, message: 'Unauthorized' } };
      };

      const outcome = await run(
        'network/list',
        {},
        adminPrincipal({ accessToken: access, refreshToken: 'R' }),
      );

      expect(outcome.body).toEqual({ networks: [] });
      expect(outcome.principal).toMatchObject({ accessToken: renewed, refreshToken: 'R' });
      expect(server.requests.map((r) => r.url)).toEqual([
        '/api/rest/network',
        '/auth/rest/token/refresh',
        '/api/rest/network',
      ]);
      expect(server.requests[1]?.body).toEqual({ refreshToken: 'R' });
    });

    it('is renewed before the call when its expiry has passed', async () => {
      const expired = await token({}, 1, NOW - 1_000);
      const renewed = await token({}, 1, NOW + HOUR);
      server.handler = (r) =>
        r.url === '/auth/rest/token/refresh'
          ? { status: 201, body: { accessToken: renewed } }
          : { status: 200, body: [] };

      const outcome = await run(
        'network/list',
        {},
        adminPrincipal({ accessToken: expired, refreshToken: 'R' }),
      );

      expect(outcome.principal?.accessToken).toBe(renewed);
      expect(server.requests.map((r) => [r.url, r.authorization])).toEqual([
        ['/auth/rest/token/refresh', undefined],
        ['/api/rest/network', `Bearer ${renewed}`],
      ]);
    });
  });

  describe('authenticate', () => {
    it('builds an admin principal from the token and GET /user/current', async () => {
      server.handler = () => ({
        status: 200,
        body: { id: 1, login: 'dhadmin', role: 0, status: 0, allDeviceTypesAvailable: true },
      });

      const outcome = await run('authenticate', { token: access }, null);

      expect(outcome.principal).toEqual({
        userId: 1,
        login: 'dhadmin',
        role: 0,
        permissions: ALL_PERMISSIONS,
        networkIds: '*',
        deviceTypeIds: '*',
        userNetworkIds: '*',
        userDeviceTypeIds: '*',
        accessToken: access,
      });
      expect(server.requests).toEqual([
        {
          method: 'GET',
          url: '/api/rest/user/current',
          authorization: `Bearer ${access}`,
          body: undefined,
        },
      ]);
    });

    it('gives a CLIENT user its networks and the device types the server lists for it', async () => {
      const clientToken = await token({ u: 4, a: [], n: ['1', '2'], dt: ['3'] });
      server.handler = (r) =>
        r.url.startsWith('/api/rest/devicetype')
          ? { status: 200, body: [{ id: 3 }] }
          : {
              status: 200,
              body: {
                id: 4,
                login: 'c',
                role: 1,
                allDeviceTypesAvailable: false,
                networks: [{ id: 1 }, { id: 5 }],
              },
            };

      const { principal } = await run('authenticate', { token: clientToken }, null);

      expect(principal).toMatchObject({
        userId: 4,
        role: 1,
        permissions: CLIENT_PERMISSIONS,
        networkIds: [1, 2],
        deviceTypeIds: [3],
        userNetworkIds: [1, 5],
        userDeviceTypeIds: [3],
      });
    });

    it('keeps the refresh token of the login that issued the token', async () => {
      server.handler = (r) =>
        r.url === '/auth/rest/token'
          ? { status: 201, body: { accessToken: access, refreshToken: 'R' } }
          : { status: 200, body: { id: 1, login: 'dhadmin', role: 0 } };

      await run('token', { login: 'dhadmin', password: 'p' }, null);
      const first = await run('authenticate', { token: access }, null);
      const second = await run('authenticate', { token: access }, null);

      expect(first.principal?.refreshToken).toBe('R');
      expect(second.principal?.refreshToken).toBeUndefined();
    });

    it.each([
      [
        'the server refuses it',
        async (): Promise<string> => access,
        { status: 401, body: { error: 401, message: 'Unauthorized' } },
        'Invalid credentials',
      ],
      [
        'the server no longer knows its user',
        async (): Promise<string> => access,
        { status: 409, body: { error: 409, message: 'Can not get current user' } },
        'Invalid credentials',
      ],
      [
        'it is a refresh token',
        (): Promise<string> => token({}, 0),
        { status: 200, body: {} },
        'Invalid credentials',
      ],
      [
        'it expired',
        (): Promise<string> => token({}, 1, NOW - 1),
        { status: 200, body: {} },
        'Token expired',
      ],
      [
        'it is not a JWT',
        async (): Promise<string> => 'garbage',
        { status: 200, body: {} },
        'Invalid credentials',
      ],
    ] as const)('answers 401 when %s', async (_case, make, answer, text) => {
      server.handler = () => answer as Answer;

      await expect(run('authenticate', { token: await make() }, null)).rejects.toMatchObject({
        status: 401,
        message: text,
      });
    });

    it('checks the signature with a shared secret before asking the server', async () => {
      const shared = createRemoteDeviceHive({
        endpoints: { restUrl: server.restUrl, authUrl: server.authUrl, wsUrl: 'ws://unused' },
        jwtSecret: 'b3RoZXItc2VjcmV0LW9mLXRoZS1zZXJ2ZXI=',
        logger,
        now: () => new Date(NOW),
      });
      server.handler = () => ({ status: 200, body: { id: 1, login: 'dhadmin', role: 0 } });

      await expect(
        shared.execute('authenticate', { token: access }, { principal: null, clientId: 'c' }),
      ).rejects.toMatchObject({ status: 401, message: 'Invalid credentials' });
      expect(server.requests).toEqual([]);
      await shared.close();
    });
  });

  describe('notification/subscribe', () => {
    it('resolves a device subscription on the server and replays its stored notifications', async () => {
      const stored = {
        id: 3,
        notification: 'temp',
        deviceId: 'd1',
        networkId: 2,
        deviceTypeId: 5,
        timestamp: '2026-12-05T11:00:00.000',
        parameters: null,
      };
      server.handler = (r: Recorded) =>
        r.url.startsWith('/api/rest/device/d1/notification')
          ? { status: 200, body: [stored] }
          : { status: 200, body: { id: 'd1', networkId: 2, deviceTypeId: 5 } };

      const outcome = await run('notification/subscribe', {
        deviceId: 'd1',
        names: ['temp'],
        timestamp: new Date(NOW - HOUR),
      });

      expect(outcome.subscription).toMatchObject({
        type: 'notification',
        deviceId: 'd1',
        names: ['temp'],
        timestamp: '2026-12-05T11:00:00.000',
        filters: [{ networkId: 2, deviceTypeId: 5, deviceId: 'd1', name: 'temp' }],
      });
      expect(outcome.body).toEqual({ subscriptionId: outcome.subscription?.subscriptionId });
      expect(outcome.replay).toEqual([
        {
          kind: 'notification/insert',
          deviceId: 'd1',
          networkId: 2,
          deviceTypeId: 5,
          name: 'temp',
          data: stored,
        },
      ]);
      expect(server.requests.map((r) => r.url)).toEqual([
        '/api/rest/device/d1',
        '/api/rest/device/d1/notification?start=2026-12-05T11%3A00%3A00.000&notification=temp&sortField=timestamp&sortOrder=ASC&take=100',
      ]);
    });

    it('is global for a principal that sees everything', async () => {
      const outcome = await run('notification/subscribe', {});
      expect(outcome.subscription?.filters).toBeNull();
      expect(server.requests).toEqual([]);
    });

    it('expands a restricted principal over the networks and types the server lists', async () => {
      server.handler = (r) =>
        r.url.startsWith('/api/rest/network')
          ? { status: 200, body: [{ id: 1 }, { id: 2 }] }
          : { status: 200, body: [{ id: 7 }] };
      const client = adminPrincipal({
        role: 1,
        accessToken: access,
        networkIds: [1, 2],
        userNetworkIds: [1, 2],
      });

      const outcome = await run('command/subscribe', {}, client);

      expect(outcome.subscription?.filters).toEqual([
        { networkId: 1, deviceTypeId: 7, deviceId: null, name: null },
        { networkId: 2, deviceTypeId: 7, deviceId: null, name: null },
      ]);
    });

    it('refuses a CLIENT network it may not see with 403 Access is denied', async () => {
      server.handler = () => ({ status: 200, body: [{ id: 1 }] });
      const client = adminPrincipal({ role: 1, accessToken: access, userNetworkIds: [1] });

      await expect(
        run('notification/subscribe', { networkIds: [9] }, client),
      ).rejects.toMatchObject({
        status: 403,
        message: 'Access is denied',
      });
    });
  });
});
