import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { createRemoteEventStream } from './remote-event-stream';
import type { RemoteEventStream } from './remote-event-stream.port';

/**
 * A scripted DeviceHive server: tokens, `/info`, `/network`, `/device/{id}` over HTTP, and a
 * WebSocket API that answers `authenticate` and the subscriptions and lets the test push what the
 * reference server, or its documentation, would send.
 */
class FakeDeviceHive {
  readonly deviceLookups: string[] = [];
  readonly devices = new Map<string, { networkId: number; deviceTypeId: number }>();
  readonly received: Record<string, unknown>[] = [];
  /** The access tokens the token endpoints hand out, in turn (the last one repeats). */
  tokens = ['a.b.c'];
  /** `/info` answers 500 this many times first. */
  infoFailures = 0;
  /** Stored notifications, replayed to a `notification/subscribe` with `timestamp`. */
  readonly stored: Record<string, unknown>[] = [];
  /** Pushed as live right after the reply to the next `notification/subscribe` without timestamp. */
  liveOnSubscribe: Record<string, unknown> | undefined;
  private http!: Server;
  private wss!: WebSocketServer;
  socket: WebSocket | undefined;
  private nextSubscription = 1000;
  /** subscriptionId per kind, as answered. */
  readonly subscriptionIds: Record<string, number> = {};
  base = '';

  async start(port = 0): Promise<void> {
    this.http = createServer((req, res) => {
      const url = req.url ?? '';
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const token = () => (this.tokens.length > 1 ? this.tokens.shift() : this.tokens[0]);
      if (url === '/auth/rest/token') return json(201, { accessToken: token(), refreshToken: 'r' });
      if (url === '/auth/rest/token/refresh') return json(201, { accessToken: token() });
      if (url === '/api/rest/info') {
        if (this.infoFailures > 0) {
          this.infoFailures -= 1;
          return json(500, { error: 500 });
        }
        return json(200, { serverTimestamp: '2026-01-01T00:00:00.000' });
      }
      if (url.startsWith('/api/rest/network')) return json(200, [{ id: 1 }]);
      const device = /^\/api\/rest\/device\/([^/?]+)$/.exec(url);
      if (device) {
        const id = decodeURIComponent(device[1]);
        this.deviceLookups.push(id);
        const found = this.devices.get(id);
        return found ? json(200, { id, ...found }) : json(404, { error: 404 });
      }
      return json(404, {});
    });
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => this.onRequest(socket, JSON.parse(String(data))));
    });
    await new Promise<void>((resolve) => this.http.listen(port, '127.0.0.1', resolve));
    this.base = `127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  private onRequest(socket: WebSocket, request: Record<string, unknown>): void {
    this.received.push(request);
    const reply = (body: object = {}) =>
      socket.send(
        JSON.stringify({
          action: request['action'],
          requestId: request['requestId'],
          status: 'success',
          ...body,
        }),
      );
    const action = String(request['action']);
    if (action.endsWith('/subscribe')) {
      const id = this.nextSubscription++;
      const kind =
        action === 'notification/subscribe'
          ? 'notification/insert'
          : request['returnUpdatedCommands']
            ? 'command/update'
            : 'command/insert';
      this.subscriptionIds[kind] = id;
      reply({ subscriptionId: id });
      if (kind !== 'notification/insert') return;
      const since = request['timestamp'];
      if (typeof since === 'string') {
        for (const notification of this.stored) {
          if (String(notification['timestamp']) >= since) {
            socket.send(
              JSON.stringify({ action: 'notification/insert', notification, subscriptionId: id }),
            );
          }
        }
      } else if (this.liveOnSubscribe) {
        const notification = this.liveOnSubscribe;
        this.liveOnSubscribe = undefined;
        socket.send(
          JSON.stringify({ action: 'notification/insert', notification, subscriptionId: id }),
        );
      }
    } else reply();
  }

  push(message: unknown): void {
    this.socket?.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe(createRemoteEventStream.name, () => {
  const server = new FakeDeviceHive();
  let stream: RemoteEventStream;
  let registry: Registry;
  const events: DeviceEvent[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    await server.start();
    registry = new Registry();
    stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${server.base}/api/rest`,
        authUrl: `http://${server.base}/auth/rest`,
        wsUrl: `ws://${server.base}/api/websocket`,
      },
      credentials: { login: 'svc', password: 'svc-password' },
      onEvent: async (event) => void events.push(event),
      logger: {
        info: (d, m) => logged.push(`${m} ${JSON.stringify(d)}`),
        warn: (d, m) => logged.push(`${m} ${JSON.stringify(d)}`),
        error: (d, m) => logged.push(`${m} ${JSON.stringify(d)}`),
      },
      registry,
    });
    await stream.start();
  });
  afterAll(async () => {
    await stream.close();
    await server.stop();
  });
  beforeEach(() => {
    events.length = 0;
  });

  const notification = (id: number, deviceId: string, extra: object = {}) => ({
    id,
    notification: 'temp',
    deviceId,
    timestamp: '2026-01-01T00:00:01.000',
    parameters: { t: id },
    ...extra,
  });
  const dropped = async (reason: string) =>
    (await registry.getSingleMetric('dh_remote_events_dropped_total')?.get())?.values.find(
      (v) => v.labels['reason'] === reason,
    )?.value ?? 0;

  it('authenticates with the token and subscribes to every notification, command and update', () => {
    expect(server.received.map(({ requestId: _id, ...rest }) => rest)).toEqual([
      { action: 'authenticate', token: 'a.b.c' },
      { action: 'notification/subscribe' },
      { action: 'command/subscribe' },
      { action: 'command/subscribe', returnUpdatedCommands: true },
    ]);
  });

  it('looks up the network and type of a push that lacks them, once per device (cached)', async () => {
    server.devices.set('bare', { networkId: 4, deviceTypeId: 5 });
    const subscriptionId = server.subscriptionIds['notification/insert'];
    server.push({
      action: 'notification/insert',
      notification: notification(1, 'bare'),
      subscriptionId,
    });
    server.push({
      action: 'notification/insert',
      notification: notification(2, 'bare'),
      subscriptionId,
    });
    await eventually(() => events.length === 2, 'two events');
    expect(
      events.map((e) => [e.networkId, e.deviceTypeId, e.data['networkId'], e.data['id']]),
    ).toEqual([
      [4, 5, 4, 1],
      [4, 5, 4, 2],
    ]);
    expect(server.deviceLookups.filter((id) => id === 'bare')).toEqual(['bare']);
  });

  it('drops the push of a device the server no longer knows, and counts it', async () => {
    const before = await dropped('unknown_device');
    server.push({
      action: 'command/insert',
      command: { id: 9, command: 'go', deviceId: 'gone', timestamp: '2026-01-01T00:00:02.000' },
      subscriptionId: server.subscriptionIds['command/insert'],
    });
    await eventually(() => server.deviceLookups.includes('gone'), 'the lookup');
    await sleep(50);
    expect(events).toEqual([]);
    expect((await dropped('unknown_device')) - before).toBe(1);
    expect(logged.some((line) => line.startsWith('remote event of a device without network'))).toBe(
      true,
    );
  });

  it('ignores what is not a subscription push, and keeps working after bad input', async () => {
    const before = await dropped('malformed');
    server.push('not json at all');
    server.push([1, 2, 3]);
    server.push({ action: 'server/info', info: {}, subscriptionId: 1 });
    // This product's command/update to a command's originator: no subscription, not an event.
    server.push({
      action: 'command/update',
      command: { id: 4, command: 'c', deviceId: 'x', timestamp: '2026-01-01T00:00:01.000' },
    });
    server.push({
      action: 'notification/insert',
      notification: { id: 'five' },
      subscriptionId: server.subscriptionIds['notification/insert'],
    });
    server.push({
      action: 'notification/insert',
      notification: notification(6, 'ok', { networkId: 1, deviceTypeId: 2 }),
      subscriptionId: server.subscriptionIds['notification/insert'],
    });
    await eventually(() => events.length === 1, 'the valid push');
    expect(events[0]).toMatchObject({
      deviceId: 'ok',
      networkId: 1,
      deviceTypeId: 2,
      data: { id: 6 },
    });
    expect((await dropped('malformed')) - before).toBe(2);
    expect(stream.isConnected()).toBe(true);
  });

  it('hands on a push that comes before its subscription reply (the reference may send one)', async () => {
    server.push({
      action: 'notification/insert',
      notification: notification(21, 'early', { networkId: 3, deviceTypeId: 3 }),
      subscriptionId: 987654321,
    });
    await eventually(() => events.length === 1, 'the early push');
    expect(events[0]).toMatchObject({ deviceId: 'early', data: { id: 21 } });
  });

  it('delivers a push once even when the server sends it twice', async () => {
    const before = await dropped('duplicate');
    const push = {
      action: 'command/update',
      command: {
        id: 11,
        command: 'go',
        deviceId: 'ok',
        networkId: 1,
        deviceTypeId: 2,
        timestamp: '2026-01-01T00:00:01.000',
        lastUpdated: '2026-01-01T00:00:03.000',
        status: 'done',
      },
      subscriptionId: server.subscriptionIds['command/update'],
    };
    server.push(push);
    server.push(push);
    server.push({ ...push, command: { ...push.command, lastUpdated: '2026-01-01T00:00:04.000' } });
    await eventually(() => events.length === 2, 'two updates');
    await sleep(50);
    expect(events.map((e) => e.data['lastUpdated'])).toEqual([
      '2026-01-01T00:00:03.000',
      '2026-01-01T00:00:04.000',
    ]);
    expect((await dropped('duplicate')) - before).toBe(1);
    expect(stream.lastEventAt()).toBe(Date.UTC(2026, 0, 1, 0, 0, 4));
  });

  it('never logs the password or the token', () => {
    expect(logged.join('\n')).not.toMatch(/svc-password|a\.b\.c/);
  });
});

describe('the stream with a short-lived access token', () => {
  const server = new FakeDeviceHive();
  let stream: RemoteEventStream | undefined;
  afterAll(async () => {
    await stream?.close();
    await server.stop();
  });

  it('refreshes it before it expires and authenticates the open WebSocket again', async () => {
    const jwt = (name: string, expiresAt: number) =>
      `h.${Buffer.from(JSON.stringify({ payload: { e: expiresAt, name } })).toString('base64url')}.s`;
    // Refreshed a minute before expiry: 61.2 s ahead means in about 1.2 s.
    const first = jwt('first', Date.now() + 61_200);
    const second = jwt('second', Date.now() + 3_600_000);
    server.tokens = [first, second];
    await server.start();
    stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${server.base}/api/rest`,
        authUrl: `http://${server.base}/auth/rest`,
        wsUrl: `ws://${server.base}/api/websocket`,
      },
      credentials: { login: 'svc', password: 'svc-password' },
      onEvent: async () => undefined,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await stream.start();
    const authentications = () =>
      server.received.filter((r) => r['action'] === 'authenticate').map((r) => r['token']);
    await eventually(() => authentications().length === 2, 'the second authenticate');
    expect(authentications()).toEqual([first, second]);
    expect(stream.isConnected()).toBe(true);
  });
});

describe('the stream started while the server is down', () => {
  const server = new FakeDeviceHive();
  const streams: RemoteEventStream[] = [];
  afterAll(async () => {
    for (const stream of streams) await stream.close();
    await server.stop();
  });

  const streamTo = (base: string) => {
    const stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${base}/api/rest`,
        authUrl: `http://${base}/auth/rest`,
        wsUrl: `ws://${base}/api/websocket`,
      },
      credentials: { refreshToken: 'r' },
      onEvent: async () => undefined,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      tuning: { reconnectMinMs: 50, reconnectMaxMs: 200 },
    });
    streams.push(stream);
    return stream;
  };

  it('keeps trying, resolves start() once the server is up, and is not connected before', async () => {
    await server.start();
    const port = Number(server.base.split(':')[1]);
    await server.stop();
    const stream = streamTo(`127.0.0.1:${port}`);
    let started = false;
    void stream.start().then(() => (started = true));
    await sleep(400);
    expect([started, stream.isConnected()]).toEqual([false, false]);
    await server.start(port);
    await eventually(() => started, 'start() to resolve');
    expect(stream.isConnected()).toBe(true);
  });

  it('rejects a pending start() when closed', async () => {
    const stream = streamTo('127.0.0.1:1');
    const start = stream.start();
    await sleep(100);
    await stream.close();
    await expect(start).rejects.toThrow('closed before it connected');
  });
});

describe('the first connection failing after a push came in', () => {
  const server = new FakeDeviceHive();
  let stream: RemoteEventStream | undefined;
  afterAll(async () => {
    await stream?.close();
    await server.stop();
  });

  it('catches that push up on the next attempt instead of dropping it', async () => {
    const early = {
      id: 77,
      notification: 'early',
      deviceId: 'd',
      networkId: 1,
      deviceTypeId: 1,
      timestamp: '2026-01-01T00:00:05.000',
      parameters: null,
    };
    server.stored.push(early);
    server.liveOnSubscribe = early;
    server.infoFailures = 1;
    await server.start();
    const events: DeviceEvent[] = [];
    stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${server.base}/api/rest`,
        authUrl: `http://${server.base}/auth/rest`,
        wsUrl: `ws://${server.base}/api/websocket`,
      },
      credentials: { refreshToken: 'r' },
      onEvent: async (event) => void events.push(event),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      tuning: { reconnectMinMs: 50, reconnectMaxMs: 100 },
    });
    await stream.start();
    await eventually(() => events.length === 1, 'the early push');
    expect(events[0].data).toEqual(early);
    await sleep(100);
    expect(events).toHaveLength(1);
    expect(
      server.received.filter((r) => r['action'] === 'notification/subscribe' && r['timestamp']),
    ).toHaveLength(1);
  });
});
