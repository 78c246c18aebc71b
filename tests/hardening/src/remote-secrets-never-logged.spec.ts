import type { MqttClient } from 'mqtt';
import { spawnStandalone, type EmbeddedStandalone } from './support/embedded-standalone';
import { ask as askWithin, connectClient, type Reply } from './support/mqtt-clients';

jest.setTimeout(120_000);

const ADMIN_PASSWORD = 'Remote-Admin-Pa55!h4x';
const JWT_SECRET = 'remote-hardening-jwt-secret-9d8c7b6a5f4e3d2c1b0a';
const USER_PASSWORD = 'Remote-User-Pa55!m3n';
/** The remote backend adds a server round trip (or two) to each request. */
const ask = (client: MqttClient, request: Reply & { action: string }) =>
  askWithin(client, request, 15_000);
const WRONG_PASSWORD = 'Wrong-Remote-Pa55!z0';

// docs/adr/0014, "Token carriage": with a remote DeviceHive server as the backend, every session's
// access (and refresh) token rides on its principal; none may reach a log line, a message another
// client can receive, or /metrics. The front process logs at trace level.
describe('secrets with a remote DeviceHive backend', () => {
  let remote: EmbeddedStandalone;
  let front: EmbeddedStandalone;
  const clients: MqttClient[] = [];
  const tokens: string[] = [];
  const spied: string[] = [];
  let logs = '';
  let metrics = '';

  const connect = async (clientId: string, options = {}) => {
    const client = await connectClient(front.mqttUrl, clientId, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    remote = await spawnStandalone({
      env: { DH_ADMIN_PASSWORD: ADMIN_PASSWORD, DH_JWT_SECRET: JWT_SECRET },
    });
    front = await spawnStandalone({
      env: {
        DH_LOG_LEVEL: 'trace',
        DH_DEVICEHIVE_URL: `http://127.0.0.1:${remote.ports.api}/api/rest`,
        DH_DEVICEHIVE_LOGIN: 'dhadmin',
        DH_DEVICEHIVE_PASSWORD: ADMIN_PASSWORD,
        DH_JWT_SECRET: JWT_SECRET,
      },
    });
    const spy = await connect('rsec-spy');
    spy.on('message', (topic, payload) => spied.push(`${topic} ${payload.toString('utf8')}`));
    for (const filter of ['#', 'dh/#', 'dh/response/#', '$SYS/#']) {
      await spy.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
    }

    const admin = await connect('rsec-admin', { username: 'dhadmin', password: ADMIN_PASSWORD });
    await expect(
      connect('rsec-bad', { username: 'dhadmin', password: WRONG_PASSWORD }),
    ).rejects.toMatchObject({ code: 4 });

    const anonymous = await connect('rsec-anon');
    const login = await ask(anonymous, {
      action: 'token',
      login: 'dhadmin',
      password: ADMIN_PASSWORD,
    });
    for (const key of ['accessToken', 'refreshToken']) tokens.push(String(login[key]));
    const refreshed = await ask(anonymous, {
      action: 'token/refresh',
      refreshToken: login['refreshToken'],
    });
    tokens.push(String(refreshed['accessToken']));
    expect(
      await ask(anonymous, { action: 'authenticate', token: refreshed['accessToken'] }),
    ).toMatchObject({ status: 'success' });
    expect(await ask(anonymous, { action: 'device/list' })).toMatchObject({ status: 'success' });
    // A forged token: refused, and its text not logged either.
    const forged = `${String(login['accessToken']).slice(0, -6)}AAAAAA`;
    tokens.push(forged);
    expect(await ask(anonymous, { action: 'authenticate', token: forged })).toMatchObject({
      code: 401,
    });

    expect(
      await ask(admin, {
        action: 'user/insert',
        user: { login: 'rsec-user', password: USER_PASSWORD, role: 1, status: 0 },
      }),
    ).toMatchObject({ status: 'success' });
    const user = await connect('rsec-user', { username: 'rsec-user', password: USER_PASSWORD });
    expect(await ask(user, { action: 'user/list' })).toMatchObject({ code: 403 });
    expect(await ask(admin, { action: 'device/get', deviceId: 'rsec-none' })).toMatchObject({
      code: 404,
    });

    // The front's own REST face, with a bearer token of the remote server.
    const api = `http://127.0.0.1:${front.ports.api}`;
    const current = await fetch(`${api}/api/rest/user/current`, {
      headers: { authorization: `Bearer ${String(refreshed['accessToken'])}` },
    });
    expect(current.status).toBe(200);

    metrics = await (await fetch(`http://127.0.0.1:${front.ports.http}/metrics`)).text();
    await anonymous.publishAsync('rsec/visible', 'spy check', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await front.stop();
    logs = front.logs();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await front?.stop();
    await remote?.stop();
  });

  const secrets = () => [
    ['the admin password', ADMIN_PASSWORD],
    ['the JWT secret', JWT_SECRET],
    ['a created user’s password', USER_PASSWORD],
    ['a wrong password', WRONG_PASSWORD],
    ...tokens.map((token) => ['a token', token]),
    ...tokens.map((token) => ['a token’s signature', token.split('.')[2] ?? token]),
  ];

  it('ran the session through the remote backend and logged it verbosely', () => {
    expect(tokens).toHaveLength(4);
    expect(logs).toContain('backend: remote DeviceHive');
    expect(logs).toContain('"level":20');
    expect(metrics).toContain('dh_remote_requests_total');
  });

  it('writes no password or token to stdout or stderr', () => {
    const leaked = secrets().filter(([, secret]) => logs.includes(secret as string));
    expect(leaked.map(([what]) => what)).toEqual([]);
  });

  it('shows no password or token to a client subscribed to everything, nor on /metrics', () => {
    expect(spied).toContain('rsec/visible spy check');
    const seen = `${spied.join('\n')}\n${metrics}`;
    const leaked = secrets().filter(([, secret]) => seen.includes(secret as string));
    expect(leaked.map(([what]) => what)).toEqual([]);
  });
});
