import type { MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { spawnStandalone, type EmbeddedStandalone } from './support/embedded-standalone';
import { ask, connectClient, type Reply } from './support/mqtt-clients';

jest.setTimeout(90_000);

const ADMIN_PASSWORD = 'Hardening-Admin-Pa55!q7z';
const JWT_SECRET = 'hardening-jwt-secret-5c1f0e9a7b3d2c4e6f8091a2b3c4d5e6';
const USER_PASSWORD = 'Second-User-Pa55!k2w';
const WRONG_PASSWORDS = ['Wrong-Pa55word!x1', 'dhadmin_#911'];

function tokensIn(reply: Reply): string[] {
  return ['accessToken', 'refreshToken'].flatMap((key) =>
    typeof reply[key] === 'string' ? [reply[key]] : [],
  );
}

// docs/reliability.md: credentials and tokens never appear in logs, in pushes, or in any message
// another client can receive. The process logs at trace level, the most it ever says.
describe('secrets in a full embedded session (MQTT, REST and WebSocket)', () => {
  let app: EmbeddedStandalone;
  const clients: MqttClient[] = [];
  const tokens: string[] = [];
  const spied: string[] = [];
  let logs = '';

  const connect = async (clientId: string, options = {}) => {
    const client = await connectClient(app.mqttUrl, clientId, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await spawnStandalone({
      env: { DH_LOG_LEVEL: 'trace', DH_ADMIN_PASSWORD: ADMIN_PASSWORD, DH_JWT_SECRET: JWT_SECRET },
    });
    // Another client listening to everything it is allowed to.
    const spy = await connect('sec-spy');
    spy.on('message', (topic, payload) => spied.push(`${topic} ${payload.toString('utf8')}`));
    for (const filter of ['#', '+/request', 'dh/#', 'dh/response/#', '$SYS/#']) {
      // Each granted or refused on its own (SUBACK 0x80 for what an anonymous session may not read).
      await spy.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
    }

    const admin = await connect('sec-admin', { username: 'dhadmin', password: ADMIN_PASSWORD });
    for (const password of WRONG_PASSWORDS) {
      await expect(connect('sec-bad', { username: 'dhadmin', password })).rejects.toMatchObject({
        code: 4,
      });
    }

    const anonymous = await connect('sec-anon');
    const login = await ask(anonymous, {
      action: 'token',
      login: 'dhadmin',
      password: ADMIN_PASSWORD,
    });
    tokens.push(...tokensIn(login));
    for (const password of WRONG_PASSWORDS) {
      expect(await ask(anonymous, { action: 'token', login: 'dhadmin', password })).toMatchObject({
        code: 401,
      });
    }
    const refreshed = await ask(anonymous, {
      action: 'token/refresh',
      refreshToken: login['refreshToken'],
    });
    tokens.push(...tokensIn(refreshed));
    expect(
      await ask(anonymous, { action: 'authenticate', token: refreshed['accessToken'] }),
    ).toMatchObject({ status: 'success' });

    const created = await ask(admin, {
      action: 'token/create',
      payload: { userId: 1, actions: ['*'], networkIds: ['*'], deviceTypeIds: ['*'] },
    });
    tokens.push(...tokensIn(created));
    expect(
      await ask(admin, {
        action: 'user/insert',
        user: { login: 'sec-user', password: USER_PASSWORD, role: 1, status: 0 },
      }),
    ).toMatchObject({ status: 'success' });
    await connect('sec-user-login', { username: 'sec-user', password: USER_PASSWORD });

    // The same over DeviceHive's REST and WebSocket APIs (docs/api/rest.md).
    const api = `127.0.0.1:${app.ports.api}`;
    const restLogin = async (password: string) => {
      const response = await fetch(`http://${api}/auth/rest/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'dhadmin', password }),
      });
      return { status: response.status, body: (await response.json()) as Reply };
    };
    const viaRest = await restLogin(ADMIN_PASSWORD);
    expect(viaRest.status).toBe(201);
    tokens.push(...tokensIn(viaRest.body));
    for (const password of WRONG_PASSWORDS) expect((await restLogin(password)).status).toBe(401);
    const current = await fetch(`http://${api}/api/rest/user/current`, {
      headers: { authorization: `Bearer ${viaRest.body['accessToken']}` },
    });
    expect(current.status).toBe(200);
    const socket = new WebSocket(`ws://${api}/api/websocket`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const authenticated = new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ action: 'authenticate', token: viaRest.body['accessToken'] }));
    expect(JSON.parse(String(await authenticated))).toMatchObject({ status: 'success' });
    socket.close();

    // The spy must be able to see something, or "it saw no secret" proves nothing.
    await anonymous.publishAsync('sec/visible', 'spy check', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(clients.map((client) => client.endAsync(true)));
    // Stop first: the shutdown flushes whatever the logger still buffers.
    await app.stop();
    logs = app.logs();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await app?.stop();
  });

  const secrets = () => [
    ['the admin password', ADMIN_PASSWORD],
    ['the JWT secret', JWT_SECRET],
    ['a created user’s password', USER_PASSWORD],
    ...WRONG_PASSWORDS.map((password) => ['a wrong password', password]),
    ...tokens.map((token) => ['an issued token', token]),
    // The signature alone identifies a token too.
    ...tokens.map((token) => ['an issued token’s signature', token.split('.')[2]]),
  ];

  it('issued the tokens under test and logged the session verbosely', () => {
    expect(tokens).toHaveLength(7);
    expect(logs).toContain('"level":20');
    expect(logs).toContain('login refused');
  });

  it('writes no password, token or JWT secret to stdout or stderr', () => {
    const leaked = secrets().filter(([, secret]) => logs.includes(secret));
    expect(leaked.map(([what]) => what)).toEqual([]);
  });

  it('shows no password or token to a client subscribed to everything', () => {
    expect(spied).toContain('sec/visible spy check');
    const seen = spied.join('\n');
    const leaked = secrets().filter(([, secret]) => seen.includes(secret));
    expect(leaked.map(([what]) => what)).toEqual([]);
  });
});
