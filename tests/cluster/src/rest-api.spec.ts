import WebSocket from 'ws';
import { ADMIN, SAMPLE_DEVICE, startCluster, type TestCluster } from './support/cluster';
import { DhClient } from './support/dh-client';

/** A REST call against a broker pod's API port; the body parsed. */
async function rest(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  return {
    status: response.status,
    body: parsed as Record<string, unknown> & { accessToken: string; id: number },
  };
}

/** An open WebSocket of the API with the messages it received. */
async function websocket(base: string) {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/api/websocket`);
  const received: Record<string, unknown>[] = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const next = async (matches: (m: Record<string, unknown>) => boolean, ms = 15_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const index = received.findIndex(matches);
      if (index >= 0) return received.splice(index, 1)[0] as Record<string, unknown>;
      if (Date.now() > until) throw new Error('no matching WebSocket message');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const request = (message: Record<string, unknown>) => {
    socket.send(JSON.stringify(message));
    return next((m) => m['requestId'] === message['requestId'] && 'status' in m);
  };
  return { socket, next, request };
}

/** docs/adr/0012 in the cluster: the broker pods serve the APIs through Kafka and the fabric. */
describe('the REST and WebSocket APIs on a cluster of 2 broker pods', () => {
  let cluster: TestCluster;
  const closers: Array<() => unknown> = [];

  beforeAll(async () => {
    cluster = await startCluster({ name: 'rest-api', redisDb: 13 });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await cluster?.close();
  });

  it('logs in on one pod and uses the token on the other', async () => {
    const [a, b] = cluster.brokers;
    const login = await rest(a.apiUrl, 'POST', '/auth/rest/token', undefined, {
      login: ADMIN.username,
      password: ADMIN.password,
    });
    expect(login.status).toBe(201);
    expect(
      await rest(b.apiUrl, 'GET', '/api/rest/user/current', login.body.accessToken),
    ).toMatchObject({
      status: 200,
      body: { login: ADMIN.username },
    });
    expect(await rest(b.apiUrl, 'GET', '/api/rest/user/current')).toEqual({
      status: 401,
      body: { error: 401, message: 'Unauthorized' },
    });
  });

  it('pushes a REST insert on one pod to a WebSocket subscriber on the other', async () => {
    const [a, b] = cluster.brokers;
    const token = (
      await rest(a.apiUrl, 'POST', '/auth/rest/token', undefined, {
        login: ADMIN.username,
        password: ADMIN.password,
      })
    ).body.accessToken;
    const ws = await websocket(b.apiUrl);
    closers.push(() => ws.socket.terminate());
    await ws.request({ action: 'authenticate', requestId: 1, token });
    const subscribed = await ws.request({
      action: 'notification/subscribe',
      requestId: 2,
      deviceId: SAMPLE_DEVICE,
      names: ['cluster-rest'],
    });
    expect(subscribed).toMatchObject({ status: 'success', subscriptionId: expect.any(Number) });

    const inserted = await rest(
      a.apiUrl,
      'POST',
      `/api/rest/device/${SAMPLE_DEVICE}/notification`,
      token,
      { notification: 'cluster-rest' },
    );
    expect(inserted.status).toBe(201);

    expect(await ws.next((m) => m['action'] === 'notification/insert')).toMatchObject({
      notification: { id: inserted.body.id, notification: 'cluster-rest' },
      subscriptionId: subscribed['subscriptionId'],
    });
  });

  it('wakes a REST long poll on one pod with an MQTT insert on the other', async () => {
    const [a, b] = cluster.brokers;
    const token = (
      await rest(b.apiUrl, 'POST', '/auth/rest/token', undefined, {
        login: ADMIN.username,
        password: ADMIN.password,
      })
    ).body.accessToken;
    const poll = rest(
      b.apiUrl,
      'GET',
      `/api/rest/device/${SAMPLE_DEVICE}/notification/poll?names=from-mqtt&waitTimeout=30`,
      token,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const device = await DhClient.connect(a.mqttUrl, 'rest-api-device');
    closers.push(() => device.end());
    const reply = await device.request('notification/insert', {
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'from-mqtt' },
    });
    expect(reply.body['status']).toBe('success');
    expect((await poll).body).toEqual([
      expect.objectContaining({ notification: 'from-mqtt', deviceId: SAMPLE_DEVICE }),
    ]);
  });

  it('refuses a CLIENT user on one network the devices of another, on either pod', async () => {
    const [a, b] = cluster.brokers;
    const admin = (
      await rest(a.apiUrl, 'POST', '/auth/rest/token', undefined, {
        login: ADMIN.username,
        password: ADMIN.password,
      })
    ).body.accessToken;
    const network = await rest(a.apiUrl, 'POST', '/api/rest/network', admin, {
      name: 'cluster client net',
    });
    const user = await rest(a.apiUrl, 'POST', '/api/rest/user', admin, {
      login: 'cluster-client',
      password: 'cluster-client-1',
      role: 1,
    });
    expect(
      (
        await rest(
          a.apiUrl,
          'PUT',
          `/api/rest/user/${user.body.id}/network/${network.body.id}`,
          admin,
        )
      ).status,
    ).toBe(204);
    const client = (
      await rest(b.apiUrl, 'POST', '/auth/rest/token', undefined, {
        login: 'cluster-client',
        password: 'cluster-client-1',
      })
    ).body.accessToken;
    for (const pod of [a, b]) {
      expect(await rest(pod.apiUrl, 'GET', `/api/rest/device/${SAMPLE_DEVICE}`, client)).toEqual({
        status: 403,
        body: { error: 403, message: 'Access is denied' },
      });
      expect((await rest(pod.apiUrl, 'GET', '/api/rest/network', client)).body).toEqual([
        { id: network.body.id, name: 'cluster client net', description: null },
      ]);
    }
  });
});
