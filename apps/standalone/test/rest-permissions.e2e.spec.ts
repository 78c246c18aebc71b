import { ApiTestServer } from './api-test-client';

jest.setTimeout(60_000);

/**
 * A CLIENT user restricted to one network (docs/api/README.md, "Visibility"), over REST and the
 * WebSocket API: the same checks as over MQTT.
 */
describe('a CLIENT user assigned to one network', () => {
  const server = new ApiTestServer();
  let admin: string;
  let client: string;
  let ownNetwork: number;

  beforeAll(async () => {
    await server.start();
    admin = await server.login();
    const as = { token: admin };
    ownNetwork = (
      await server.rest('POST', '/api/rest/network', { ...as, body: { name: 'client net' } })
    ).json['id'] as number;
    await server.rest('PUT', '/api/rest/device/own-dev', {
      ...as,
      body: { name: 'own', networkId: ownNetwork },
    });
    await server.rest('PUT', '/api/rest/device/foreign-dev', {
      ...as,
      body: { name: 'foreign', networkId: 1 },
    });
    const user = await server.rest('POST', '/api/rest/user', {
      ...as,
      body: { login: 'client1', password: 'client-pass-1', role: 1 },
    });
    await server.rest('PUT', `/api/rest/user/${user.json['id']}/network/${ownNetwork}`, as);
    client = await server.login('client1', 'client-pass-1');
  });
  afterAll(() => server.stop());

  it('sees only the devices and networks of its network', async () => {
    expect((await server.rest('GET', '/api/rest/device', { token: client })).body).toEqual([
      expect.objectContaining({ id: 'own-dev', networkId: ownNetwork }),
    ]);
    expect((await server.rest('GET', '/api/rest/device/count', { token: client })).body).toEqual({
      count: 1,
    });
    expect((await server.rest('GET', '/api/rest/network', { token: client })).body).toEqual([
      { id: ownNetwork, name: 'client net', description: null },
    ]);
  });

  it.each([
    ['GET', '/api/rest/device/foreign-dev', undefined],
    ['GET', '/api/rest/network/1', undefined],
    ['POST', '/api/rest/device/foreign-dev/notification', { notification: 'x' }],
    ['POST', '/api/rest/device/foreign-dev/command', { command: 'x' }],
    ['GET', '/api/rest/device/no-such-dev', undefined],
    ['GET', '/api/rest/user', undefined],
    ['GET', '/api/rest/configuration/any', undefined],
  ])('gets 403 Access is denied for %s %s', async (method, path, body) => {
    expect(await server.rest(method, path, { token: client, body })).toMatchObject({
      status: 403,
      body: { error: 403, message: 'Access is denied' },
    });
  });

  it('works with its own device and reads itself', async () => {
    const inserted = await server.rest('POST', '/api/rest/device/own-dev/notification', {
      token: client,
      body: { notification: 'mine' },
    });
    expect(inserted.status).toBe(201);
    expect(
      (await server.rest('GET', '/api/rest/user/current', { token: client })).body,
    ).toMatchObject({
      login: 'client1',
      role: 1,
      networks: [{ id: ownNetwork }],
    });
  });

  it('gets over WebSocket the pushes of its network only', async () => {
    const ws = await server.websocket();
    await ws.request({ action: 'authenticate', token: client });
    const subscribed = await ws.request({ action: 'notification/subscribe', names: ['seen'] });
    expect(subscribed).toMatchObject({ status: 'success', subscriptionId: expect.any(Number) });
    for (const device of ['foreign-dev', 'own-dev']) {
      await server.rest('POST', `/api/rest/device/${device}/notification`, {
        token: admin,
        body: { notification: 'seen' },
      });
    }
    expect(await ws.next((m) => m['action'] === 'notification/insert')).toMatchObject({
      notification: { deviceId: 'own-dev' },
      subscriptionId: subscribed['subscriptionId'],
    });
    await expect(ws.next((m) => m['action'] === 'notification/insert', 1_000)).rejects.toThrow();
  });
});
