import { ADMIN, SAMPLE_DEVICE, startCluster, type TestCluster } from './support/cluster';
import { connectedPerTest } from './support/dh-client';
import { connectWithInbox } from './support/mqtt-clients';

/** A REST call against the remote server's API; the body parsed. */
async function rest(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as unknown };
}

// docs/adr/0014 in the cluster: a second, separate cluster of this product is the "remote
// DeviceHive" (its broker pod serves the REST API); the cluster under test has gateways without a
// database (DH_DATABASE_URL unset, DH_DEVICEHIVE_URL set) and two broker pods.
describe('a cluster whose backend is a remote DeviceHive server', () => {
  let server: TestCluster;
  let front: TestCluster;
  const connect = connectedPerTest();
  /** A client on each broker pod, logged in with the remote server's admin. */
  const onBothPods = async (name: string) => {
    const [a, b] = front.brokers;
    return [
      await connect(a?.mqttUrl ?? '', `${name}-a`),
      await connect(b?.mqttUrl ?? '', `${name}-b`),
    ] as const;
  };

  beforeAll(async () => {
    server = await startCluster({ name: 'remote-server', redisDb: 14, brokers: 1, gateways: 1 });
    front = await startCluster({
      name: 'remote-front',
      redisDb: 15,
      gatewayEnv: {
        DH_DATABASE_URL: '',
        DH_DEVICEHIVE_URL: `${server.brokers[0]?.apiUrl}/api/rest`,
        DH_DEVICEHIVE_LOGIN: ADMIN.username,
        DH_DEVICEHIVE_PASSWORD: ADMIN.password,
        DH_DEVICEHIVE_TIMEOUT_MS: '3000',
        // The server's own secret: tokens are checked here first (docs/adr/0014, "Identity").
        DH_JWT_SECRET: server.env['DH_JWT_SECRET'] ?? '',
      },
    });
  });
  afterAll(async () => {
    await front?.close();
    await server?.close();
  });

  it('runs its gateways on the remote server, with no database', () => {
    for (const gateway of front.gateways) {
      expect(gateway.output).toContain('backend: remote DeviceHive');
    }
  });

  it('logs in on either pod with a user of the remote server, refuses a wrong password', async () => {
    const [onA] = await onBothPods('remote-login');
    expect((await onA.request('user/getCurrent')).body).toMatchObject({
      status: 'success',
      current: { login: ADMIN.username },
    });
    await expect(
      connectWithInbox(front.brokers[1]?.mqttUrl ?? '', 'remote-cluster-bad', {
        username: ADMIN.username,
        password: 'not-the-password',
      }),
    ).rejects.toMatchObject({ code: 4 });
  });

  it('saves a device through one pod, reads it through the other and on the server', async () => {
    const [onA, onB] = await onBothPods('remote-device');
    const saved = await onA.request('device/save', {
      deviceId: 'remote-cluster-device',
      device: { name: 'Remote cluster device', networkId: 1, deviceTypeId: 1 },
    });
    expect(saved?.body).toMatchObject({ status: 'success' });

    const got = (await onB.request('device/get', { deviceId: 'remote-cluster-device' }))?.body;
    expect(got).toMatchObject({ status: 'success', device: { name: 'Remote cluster device' } });
    const login = (await rest(
      server.brokers[0]?.apiUrl ?? '',
      'POST',
      '/auth/rest/token',
      undefined,
      {
        login: ADMIN.username,
        password: ADMIN.password,
      },
    )) as { body: { accessToken: string } };
    const onServer = await rest(
      server.brokers[0]?.apiUrl ?? '',
      'GET',
      '/api/rest/device/remote-cluster-device',
      login.body.accessToken,
    );
    expect(onServer).toEqual({ status: 200, body: got?.['device'] });
  });

  it('inserts, updates and reads a command; passes the server’s 404 on', async () => {
    const [onA, onB] = await onBothPods('remote-command');
    const inserted = await onA.request('command/insert', {
      deviceId: SAMPLE_DEVICE,
      command: { command: 'remote-cluster-cmd' },
    });
    const commandId = (inserted?.body['command'] as { id: number }).id;
    const updated = await onB.request('command/update', {
      deviceId: SAMPLE_DEVICE,
      commandId,
      command: { status: 'done' },
    });
    expect(updated?.body).toMatchObject({ status: 'success' });
    const got = await onA.request('command/get', { deviceId: SAMPLE_DEVICE, commandId });
    expect(got?.body).toMatchObject({ command: { id: commandId, status: 'done' } });
    const missing = await onB.request('device/get', { deviceId: 'remote-none' });
    expect(missing?.body).toMatchObject({
      status: 'error',
      code: 404,
      error: 'Device with such deviceId = remote-none not found',
    });
  });
});
