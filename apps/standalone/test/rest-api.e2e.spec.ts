import { ApiTestServer, SAMPLE_DEVICE } from './api-test-client';

jest.setTimeout(60_000);

/** docs/api/rest.md over real HTTP against the embedded process. */
describe('the REST API (/api/rest, /auth/rest)', () => {
  const server = new ApiTestServer();
  let token: string;

  beforeAll(async () => {
    await server.start();
    token = await server.login();
  });
  afterAll(() => server.stop());

  describe('info', () => {
    it('names the API version and both URLs of the port it was reached on', async () => {
      const port = server.app.ports.api;
      const reply = await server.rest('GET', '/api/rest/info');
      expect(reply).toMatchObject({
        status: 200,
        body: {
          apiVersion: '4.1.0',
          serverTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/),
          webSocketServerUrl: `ws://127.0.0.1:${port}/api/websocket`,
          restServerUrl: `http://127.0.0.1:${port}/api/rest`,
        },
      });
      expect((await server.rest('GET', '/auth/rest/info')).status).toBe(200);
      expect(await server.rest('GET', '/api/rest/info/config/auth')).toMatchObject({
        status: 200,
        body: { providers: [] },
      });
    });
  });

  describe('tokens', () => {
    it('gives an access and a refresh token for a login (201)', async () => {
      const reply = await server.rest('POST', '/auth/rest/token', {
        body: { login: 'dhadmin', password: 'dhadmin_#911' },
      });
      expect(reply).toMatchObject({
        status: 201,
        body: { accessToken: expect.any(String), refreshToken: expect.any(String) },
      });
      const refreshed = await server.rest('POST', '/auth/rest/token/refresh', {
        body: { refreshToken: reply.json['refreshToken'] },
      });
      expect(refreshed).toMatchObject({ status: 201, body: { accessToken: expect.any(String) } });
    });

    it.each([
      [{ login: 'dhadmin', password: 'wrong-password' }, 401, 'Invalid credentials'],
      [
        { login: 'nobody', password: 'whatever1' },
        401,
        'User with login = nobody not found or bad password',
      ],
      [{ login: '', password: '' }, 400, 'Invalid or empty authorization request parameters'],
    ])('refuses the login %j with %i %s', async (body, status, message) => {
      expect(await server.rest('POST', '/auth/rest/token', { body })).toEqual({
        status,
        body: { error: status, message },
        json: { error: status, message },
      });
    });

    it('refuses to refresh with an access token (401 Invalid token type)', async () => {
      const reply = await server.rest('POST', '/auth/rest/token/refresh', {
        body: { refreshToken: token },
      });
      expect(reply.body).toEqual({ error: 401, message: 'Invalid token type' });
    });

    it('creates a token for a user with the admin token, and not without one', async () => {
      const body = { userId: 1, actions: ['GetNetwork'], networkIds: ['*'] };
      const created = await server.rest('POST', '/auth/rest/token/create', { token, body });
      expect(created).toMatchObject({ status: 201, body: { accessToken: expect.any(String) } });
      const narrow = created.json['accessToken'] as string;
      expect((await server.rest('GET', '/api/rest/network', { token: narrow })).status).toBe(200);
      expect((await server.rest('GET', '/api/rest/device', { token: narrow })).body).toEqual({
        error: 403,
        message: 'Access is denied',
      });
      expect((await server.rest('POST', '/auth/rest/token/create', { body })).status).toBe(401);
    });
  });

  describe('authentication', () => {
    it.each([
      ['no token', undefined],
      ['a garbage token', 'garbage'],
    ])('answers 401 Unauthorized with %s', async (_case, bad) => {
      expect((await server.rest('GET', '/api/rest/user/current', { token: bad })).body).toEqual({
        error: 401,
        message: 'Unauthorized',
      });
    });

    it('answers 401 Unauthorized with an expired access token and with a refresh token', async () => {
      const created = await server.rest('POST', '/auth/rest/token/create', {
        token,
        body: {
          userId: 1,
          actions: ['*'],
          networkIds: ['*'],
          expiration: '2000-01-01T00:00:00.000',
        },
      });
      expect(created.status).toBe(201);
      for (const bad of [created.json['accessToken'], created.json['refreshToken']] as string[]) {
        expect((await server.rest('GET', '/api/rest/user/current', { token: bad })).body).toEqual({
          error: 401,
          message: 'Unauthorized',
        });
      }
    });

    it('returns the current user with a token', async () => {
      expect(await server.rest('GET', '/api/rest/user/current', { token })).toMatchObject({
        status: 200,
        body: { id: 1, login: 'dhadmin', role: 0, status: 0, networks: [{ id: 1 }] },
      });
    });
  });

  describe('devices', () => {
    it('saves, reads, lists, counts and deletes a device', async () => {
      const device = { name: 'rest device', networkId: 1, deviceTypeId: 1, data: { a: 1 } };
      expect(
        (await server.rest('PUT', '/api/rest/device/rest-d1', { token, body: device })).status,
      ).toBe(204);
      expect(await server.rest('GET', '/api/rest/device/rest-d1', { token })).toMatchObject({
        status: 200,
        body: { id: 'rest-d1', ...device, isBlocked: false },
      });
      const list = await server.rest('GET', '/api/rest/device?namePattern=rest%25', { token });
      expect(list.body).toEqual([expect.objectContaining({ id: 'rest-d1' })]);
      expect(
        (await server.rest('GET', '/api/rest/device/count?name=rest%20device', { token })).body,
      ).toEqual({ count: 1 });
      expect((await server.rest('DELETE', '/api/rest/device/rest-d1', { token })).status).toBe(204);
      expect((await server.rest('GET', '/api/rest/device/rest-d1', { token })).body).toEqual({
        error: 404,
        message: 'Device with such deviceId = rest-d1 not found',
      });
    });
  });

  describe('notifications and commands', () => {
    const base = `/api/rest/device/${SAMPLE_DEVICE}`;

    it('inserts a notification (201 id and timestamp), gets and lists it', async () => {
      const inserted = await server.rest('POST', `${base}/notification`, {
        token,
        body: { notification: 'temp', parameters: { t: 20.5 } },
      });
      expect(inserted).toMatchObject({
        status: 201,
        body: { id: expect.any(Number), timestamp: expect.any(String) },
      });
      const id = inserted.json['id'] as number;
      expect(await server.rest('GET', `${base}/notification/${id}`, { token })).toMatchObject({
        status: 200,
        body: {
          id,
          notification: 'temp',
          deviceId: SAMPLE_DEVICE,
          networkId: 1,
          deviceTypeId: 1,
          parameters: { t: 20.5 },
        },
      });
      const list = await server.rest('GET', `${base}/notification?notification=temp&take=1000`, {
        token,
      });
      expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id })]));
      expect((await server.rest('POST', `${base}/notification`, { token, body: {} })).body).toEqual(
        {
          error: 400,
          message: 'Notification is required',
        },
      );
    });

    it('inserts a command (201), updates it (204) and reads the update', async () => {
      const inserted = await server.rest('POST', `${base}/command`, {
        token,
        body: { command: 'light', parameters: { on: true }, lifetime: 20 },
      });
      expect(inserted).toMatchObject({
        status: 201,
        body: {
          id: expect.any(Number),
          timestamp: expect.any(String),
          lastUpdated: expect.any(String),
          userId: 1,
        },
      });
      const id = inserted.json['id'] as number;
      const update = { status: 'done', result: { ok: true } };
      expect(
        (await server.rest('PUT', `${base}/command/${id}`, { token, body: update })).status,
      ).toBe(204);
      expect(await server.rest('GET', `${base}/command/${id}`, { token })).toMatchObject({
        status: 200,
        body: { id, command: 'light', ...update, userId: 1, lifetime: 20 },
      });
      expect((await server.rest('GET', `${base}/command/999999`, { token })).body).toEqual({
        error: 404,
        message: 'Command with id = 999999 not found',
      });
    });
  });

  describe('networks, device types, users and configuration', () => {
    it.each([
      ['network', 'Network cannot be created. Network with such name already exists'],
      ['devicetype', 'Device type cannot be created. Device type with such name already exists'],
    ])('creates (201 id), reads, updates (204) and deletes a %s', async (kind, duplicate) => {
      const path = `/api/rest/${kind}`;
      const created = await server.rest('POST', path, { token, body: { name: `rest ${kind}` } });
      expect(created).toEqual(
        expect.objectContaining({ status: 201, body: { id: expect.any(Number) } }),
      );
      const id = created.json['id'] as number;
      expect(
        (await server.rest('POST', path, { token, body: { name: `rest ${kind}` } })).body,
      ).toEqual({ error: 403, message: duplicate });
      const changed = { name: `rest ${kind} 2`, description: 'changed' };
      expect((await server.rest('PUT', `${path}/${id}`, { token, body: changed })).status).toBe(
        204,
      );
      expect(await server.rest('GET', `${path}/${id}`, { token })).toMatchObject({
        status: 200,
        body: { id, ...changed, devices: [] },
      });
      expect((await server.rest('GET', `${path}?name=rest%20${kind}%202`, { token })).body).toEqual(
        [{ id, ...changed }],
      );
      expect((await server.rest('DELETE', `${path}/${id}`, { token })).status).toBe(204);
    });

    it('creates a user, assigns it a network and reads the assignment', async () => {
      const created = await server.rest('POST', '/api/rest/user', {
        token,
        body: { login: 'rest-user', password: 'rest-pass-1', role: 1 },
      });
      expect(created).toMatchObject({
        status: 201,
        body: { id: expect.any(Number), lastLogin: null },
      });
      const id = created.json['id'] as number;
      expect((await server.rest('PUT', `/api/rest/user/${id}/network/1`, { token })).status).toBe(
        204,
      );
      expect(await server.rest('GET', `/api/rest/user/${id}/network/1`, { token })).toMatchObject({
        status: 200,
        body: { network: { id: 1, name: 'Sample Network' } },
      });
      expect(await server.rest('GET', `/api/rest/user/${id}`, { token })).toMatchObject({
        body: { login: 'rest-user', role: 1, networks: [{ id: 1 }] },
      });
      expect(
        (await server.rest('DELETE', `/api/rest/user/${id}/network/1`, { token })).status,
      ).toBe(204);
      expect((await server.rest('DELETE', `/api/rest/user/${id}`, { token })).status).toBe(204);
    });

    it('puts, gets and deletes a configuration setting', async () => {
      const put = await server.rest('PUT', '/api/rest/configuration/rest.setting', {
        token,
        body: { value: 'v1' },
      });
      expect(put).toMatchObject({ status: 200, body: { name: 'rest.setting', value: 'v1' } });
      expect(
        await server.rest('GET', '/api/rest/configuration/rest.setting', { token }),
      ).toMatchObject({ body: { value: 'v1', entityVersion: 0 } });
      expect(
        (await server.rest('DELETE', '/api/rest/configuration/rest.setting', { token })).status,
      ).toBe(204);
      expect(
        (await server.rest('GET', '/api/rest/configuration/rest.setting', { token })).body,
      ).toEqual({
        error: 404,
        message: 'Requested config with name = rest.setting not found in the database',
      });
    });
  });

  describe('bad input', () => {
    it.each([
      ['GET', '/api/rest/nothing-here', 404, 'HTTP 404 Not Found', undefined],
      ['DELETE', '/api/rest/info', 405, 'HTTP 405 Method Not Allowed', undefined],
      ['POST', '/api/rest/network', 400, 'Invalid request parameters', '{"name":'],
      [
        'POST',
        '/api/rest/network',
        413,
        'Request is too large: 300011 bytes, the limit is 262144',
        `{"name":"${'x'.repeat(300_000)}"}`,
      ],
      [
        'GET',
        '/api/rest/device?take=-1',
        400,
        'Validation failed: take must be a non-negative integer',
        undefined,
      ],
    ])('%s %s answers %i %s', async (method, path, status, message, body) => {
      expect(await server.rest(method, path, { token, body })).toMatchObject({
        status,
        body: { error: status, message },
      });
    });
  });
});
