import { createRemoteEventStream, type RemoteEventStream } from '@dh-mqtt/devicehive-remote';
import { METRICS } from '@dh-mqtt/runtime';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import { Registry } from 'prom-client';
import { ADMIN, ApiTestServer, SAMPLE_DEVICE } from './api-test-client';
import { CuttableProxy } from './cuttable-proxy';

jest.setTimeout(60_000);

const device = `/api/rest/device/${SAMPLE_DEVICE}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * The remote event stream (docs/adr/0015) against a second, separate instance of this product
 * serving the DeviceHive REST and WebSocket APIs, reached through a proxy that the fault tests cut.
 */
describe('remote event stream against a DeviceHive server', () => {
  const remote = new ApiTestServer();
  let proxy: CuttableProxy;
  let token: string;
  let stream: RemoteEventStream;
  let registry: Registry;
  const events: DeviceEvent[] = [];
  const warnings: string[] = [];
  const infos: Array<[Record<string, unknown>, string]> = [];

  beforeAll(async () => {
    await remote.start();
    token = await remote.login();
    proxy = new CuttableProxy(remote.app.ports.api as number);
    await proxy.up();
    registry = new Registry();
    const base = `127.0.0.1:${proxy.port}`;
    stream = createRemoteEventStream({
      endpoints: {
        restUrl: `http://${base}/api/rest`,
        authUrl: `http://${base}/auth/rest`,
        wsUrl: `ws://${base}/api/websocket`,
      },
      credentials: ADMIN,
      onEvent: async (event) => {
        events.push(event);
      },
      logger: {
        info: (details, message) => infos.push([details, message]),
        warn: (_details, message) => warnings.push(message),
        error: (_details, message) => warnings.push(message),
      },
      registry,
      tuning: { heartbeatMs: 500, reconnectMinMs: 100, reconnectMaxMs: 400, catchUpMarginMs: 200 },
    });
    await stream.start();
  });
  afterAll(async () => {
    await stream?.close();
    await proxy?.down();
    await remote.stop();
  });

  const notify = (name: string, parameters: object = {}) =>
    remote.rest('POST', `${device}/notification`, {
      token,
      body: { notification: name, parameters },
    });
  const caughtUp = async () => {
    const metric = await registry.getSingleMetric('dh_remote_events_caught_up_total')?.get();
    return metric?.values.find((v) => v.labels['kind'] === 'notification/insert')?.value ?? 0;
  };
  const ofName = (name: string) => events.filter((event) => event.name === name);

  it('is connected once started', () => {
    expect(stream.isConnected()).toBe(true);
  });

  it('emits a notification inserted over the remote REST API once, as the embedded backend would', async () => {
    const inserted = await notify('rest-temperature', { t: 21.5 });
    expect(inserted.status).toBe(201);
    await eventually(() => ofName('rest-temperature').length > 0, 'the notification');
    const stored = await remote.rest('GET', `${device}/notification/${inserted.json['id']}`, {
      token,
    });
    await sleep(300);
    expect(ofName('rest-temperature')).toEqual([
      {
        kind: 'notification/insert',
        deviceId: SAMPLE_DEVICE,
        networkId: 1,
        deviceTypeId: 1,
        name: 'rest-temperature',
        data: stored.body,
      },
    ]);
    expect(Object.keys(ofName('rest-temperature')[0].data)).toEqual([
      'id',
      'notification',
      'deviceId',
      'networkId',
      'deviceTypeId',
      'timestamp',
      'parameters',
    ]);
  });

  it('emits a command inserted over REST and its update made over the WebSocket API', async () => {
    const inserted = await remote.rest('POST', `${device}/command`, {
      token,
      body: { command: 'light', parameters: { on: true } },
    });
    expect(inserted.status).toBe(201);
    const id = inserted.json['id'];
    const ws = await remote.websocket();
    expect(await ws.request({ action: 'authenticate', token })).toMatchObject({
      status: 'success',
    });
    expect(
      await ws.request({
        action: 'command/update',
        deviceId: SAMPLE_DEVICE,
        commandId: id,
        command: { status: 'done', result: { ok: 1 } },
      }),
    ).toMatchObject({ status: 'success' });
    await eventually(
      () => events.some((e) => e.kind === 'command/update' && e.data['id'] === id),
      'the update',
    );
    const stored = (await remote.rest('GET', `${device}/command/${id}`, { token })).json;
    await sleep(300);
    const ofCommand = events.filter((e) => e.data['id'] === id && e.name === 'light');
    expect(ofCommand.map((e) => e.kind)).toEqual(['command/insert', 'command/update']);
    expect(ofCommand[1]).toEqual({
      kind: 'command/update',
      deviceId: SAMPLE_DEVICE,
      networkId: 1,
      deviceTypeId: 1,
      name: 'light',
      data: stored,
    });
    expect(Object.keys(ofCommand[0].data)).toHaveLength(12);
    expect(ofCommand[0].data).toMatchObject({
      status: null,
      result: null,
      parameters: { on: true },
    });
  });

  it('reconnects after its connection is cut, each event emitted once (live or caught up)', async () => {
    const before = events.length;
    proxy.cut();
    await notify('cut-1');
    await notify('cut-2');
    await eventually(() => ofName('cut-2').length > 0, 'the notifications after the cut');
    await sleep(500);
    expect(events.slice(before).map((e) => e.name)).toEqual(['cut-1', 'cut-2']);
    expect(stream.isConnected()).toBe(true);
  });

  it('drops a connection that stops answering pings and reconnects', async () => {
    const before = events.length;
    proxy.freeze();
    await notify('frozen-1');
    await eventually(() => !stream.isConnected(), 'the heartbeat to fail', 5_000);
    await eventually(() => stream.isConnected(), 'the reconnection');
    await eventually(() => ofName('frozen-1').length > 0, 'the notification sent while frozen');
    await sleep(300);
    expect(events.slice(before).map((e) => e.name)).toEqual(['frozen-1']);
    expect(warnings).toContain('remote event stream: no pong, dropping the connection');
  });

  it('catches up what was inserted while it could not connect, once each and in order', async () => {
    const before = events.length;
    const caughtUpBefore = await caughtUp();
    await proxy.down();
    await eventually(() => !stream.isConnected(), 'the stream to notice');
    // Inserted straight on the remote while the stream is away.
    const during = [await notify('gap-1'), await notify('gap-2'), await notify('gap-3')];
    expect(during.map((reply) => reply.status)).toEqual([201, 201, 201]);
    await proxy.up();
    await eventually(() => ofName('gap-3').length > 0, 'the caught-up notifications');
    await notify('after-gap');
    await eventually(() => ofName('after-gap').length > 0, 'a live notification again');
    await sleep(500);
    expect(events.slice(before).map((e) => e.name)).toEqual([
      'gap-1',
      'gap-2',
      'gap-3',
      'after-gap',
    ]);
    const ids = events.map(
      (e) => `${e.kind}:${String(e.data['id'])}:${String(e.data['lastUpdated'])}`,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect((await caughtUp()) - caughtUpBefore).toBe(3);
    expect(
      infos.some(
        ([details, m]) => m === 'remote event stream: caught up' && details['events'] === 3,
      ),
    ).toBe(true);
  });

  it('catches up the update of a command inserted before the gap', async () => {
    const inserted = await remote.rest('POST', `${device}/command`, {
      token,
      body: { command: 'before-gap' },
    });
    const id = inserted.json['id'];
    await eventually(() => ofName('before-gap').length === 1, 'the command insert');
    // Longer than the catch-up margin: the catch-up starts after the command's own timestamp.
    await sleep(700);
    await proxy.down();
    await eventually(() => !stream.isConnected(), 'the stream to notice');
    await sleep(20);
    const updated = await remote.rest('PUT', `${device}/command/${id}`, {
      token,
      body: { status: 'updated-in-gap' },
    });
    expect(updated.status).toBe(204);
    await proxy.up();
    await eventually(
      () => events.some((e) => e.kind === 'command/update' && e.data['id'] === id),
      'the caught-up update',
    );
    await sleep(300);
    const updates = events.filter((e) => e.kind === 'command/update' && e.data['id'] === id);
    expect(updates).toHaveLength(1);
    expect(updates[0].data['status']).toBe('updated-in-gap');
  });

  it('reports not connected while the server is unreachable and recovers without a restart', async () => {
    await proxy.down();
    await eventually(() => !stream.isConnected(), 'the stream to notice');
    expect(await registry.getSingleMetricAsString('dh_remote_stream_connected')).toMatch(
      /dh_remote_stream_connected 0/,
    );
    await notify('while-down');
    await sleep(800);
    expect(stream.isConnected()).toBe(false);
    await proxy.up();
    await eventually(() => stream.isConnected(), 'the stream to reconnect');
    await eventually(() => ofName('while-down').length > 0, 'the caught-up notification');
    await notify('back-up');
    await eventually(() => ofName('back-up').length > 0, 'a live notification');
    await sleep(300);
    expect(ofName('while-down')).toHaveLength(1);
    expect(ofName('back-up')).toHaveLength(1);
    expect(warnings).toContain('remote event stream: connection failed');
    expect(await registry.getSingleMetricAsString('dh_remote_stream_connected')).toMatch(
      /dh_remote_stream_connected 1/,
    );
  });

  it("exports the catalog's metrics of the remote event stream", async () => {
    const exported = (await registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
    const listed = METRICS.filter(
      (metric) => metric.owner === 'libs/devicehive-remote/src/events/stream-metrics.ts',
    ).map((metric) => metric.name);
    expect(listed.length).toBeGreaterThan(0);
    expect(exported).toEqual(listed.sort());
  });

  it('never logs the service password or a token', () => {
    const logged = JSON.stringify(infos) + JSON.stringify(warnings);
    expect(logged).not.toContain(ADMIN.password);
    expect(logged).not.toContain(token.split('.')[1]);
  });
});
