import { Writable } from 'node:stream';
import { createLogger, parsePrometheusText, sampleValue, type Sample } from '@dh-mqtt/runtime';
import { Registry } from 'prom-client';
import { pause } from '../testing/limits.fixtures';
import { PRINCIPALS, notificationEvent } from '../testing/pushes.fixtures';
import {
  Inbox,
  acceptLogins,
  connectMqtt,
  grantedQos,
  startTestBroker,
  type TestBroker,
} from '../testing';

describe('broker metrics on /metrics', () => {
  let t: TestBroker;
  let registry: Registry;
  let logs: string[];

  const scrape = async (): Promise<Sample[]> => parsePrometheusText(await registry.metrics());

  beforeEach(async () => {
    registry = new Registry();
    logs = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(...chunk.toString().trim().split('\n'));
        done();
      },
    });
    t = await startTestBroker({ requestTimeoutMs: 300, sysIntervalSeconds: 3600 }, undefined, {
      metrics: registry,
      logger: createLogger({ level: 'debug', name: 'test', destination }),
    });
    acceptLogins(t.bus, PRINCIPALS);
  });

  afterEach(() => t.close());

  it('counts open connections by listener, and none once they close', async () => {
    const a = await t.connect('conn-a');
    await t.connect('conn-b');
    expect(sampleValue(await scrape(), 'dh_mqtt_connections', { listener: 'tcp' })).toBe(2);
    await a.endAsync();
    await pause(50);
    expect(sampleValue(await scrape(), 'dh_mqtt_connections', { listener: 'tcp' })).toBe(1);
  });

  it('counts CONNECTs by result: accepted, bad credentials, identifier rejected', async () => {
    await t.connect('ok', { username: 'admin', password: 'x' });
    await expect(
      connectMqtt(t.url, 'intruder', { username: 'nobody', password: 'wrong' }),
    ).rejects.toMatchObject({ code: 4 });
    await expect(connectMqtt(t.url, 'bad+id')).rejects.toMatchObject({ code: 2 });
    const samples = await scrape();
    expect(sampleValue(samples, 'dh_mqtt_connects_total', { result: 'accepted' })).toBe(1);
    expect(sampleValue(samples, 'dh_mqtt_connects_total', { result: 'bad_credentials' })).toBe(1);
    expect(sampleValue(samples, 'dh_mqtt_connects_total', { result: 'identifier_rejected' })).toBe(
      1,
    );
  });

  it('counts messages in and out by QoS, and the bytes of the connections', async () => {
    const client = await t.connect('pubsub');
    const inbox = new Inbox(client);
    await client.subscribeAsync('home/#', { qos: 1 });
    await client.publishAsync('home/a', 'x', { qos: 1 });
    await client.publishAsync('home/b', 'y', { qos: 0 });
    await inbox.next();
    await inbox.next();
    const samples = await scrape();
    expect(sampleValue(samples, 'dh_mqtt_messages_received_total')).toBe(2);
    expect(sampleValue(samples, 'dh_mqtt_messages_sent_total', { qos: '1' })).toBe(1);
    expect(sampleValue(samples, 'dh_mqtt_messages_sent_total', { qos: '0' })).toBe(1);
    expect(
      sampleValue(samples, 'dh_mqtt_bytes_received_total', { listener: 'tcp' }),
    ).toBeGreaterThan(20);
    expect(sampleValue(samples, 'dh_mqtt_bytes_sent_total', { listener: 'tcp' })).toBeGreaterThan(
      10,
    );
  });

  it('counts requests by action and status with their duration; unknown actions as other', async () => {
    const client = await t.connect('requester');
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    await client.publishAsync('dh/request', '{"action":"server/info","requestId":1}');
    await client.publishAsync('dh/request', '{"action":"no/such-thing","requestId":2}');
    await inbox.next();
    await inbox.next();
    const samples = await scrape();
    expect(
      sampleValue(samples, 'dh_requests_total', { action: 'server/info', status: 'success' }),
    ).toBe(1);
    expect(sampleValue(samples, 'dh_requests_total', { action: 'other' })).toBe(1);
    expect(
      sampleValue(samples, 'dh_request_duration_seconds_count', { action: 'server/info' }),
    ).toBe(1);
    expect(sampleValue(samples, 'dh_requests_pending')).toBe(0);
    expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        clientId: 'requester',
        action: 'server/info',
        status: 'success',
        durationMs: expect.any(Number),
      }),
    );
  });

  it('counts a native publish as a request of its action', async () => {
    const client = await t.connect('native', { username: 'admin', password: 'x' });
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    await client.publishAsync('dh/notification/1/1/d1/temp', '{"parameters":{"t":1}}', { qos: 1 });
    await inbox.next();
    expect(
      sampleValue(await scrape(), 'dh_request_duration_seconds_count', {
        action: 'notification/insert',
      }),
    ).toBe(1);
  });

  describe('when the gateway does not answer in time', () => {
    it('answers 503, counts a backend timeout and the pending request until then', async () => {
      t.bus.handler = () => new Promise(() => undefined);
      const client = await t.connect('waiting');
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"device/list","requestId":1}');
      await pause(50);
      expect(sampleValue(await scrape(), 'dh_requests_pending')).toBe(1);
      expect((await inbox.next()).payload).toMatchObject({ code: 503 });
      const samples = await scrape();
      expect(sampleValue(samples, 'dh_backend_timeouts_total')).toBe(1);
      expect(
        sampleValue(samples, 'dh_requests_total', { action: 'device/list', status: '503' }),
      ).toBe(1);
    });
  });

  it('counts pushes by kind with their latency, and those an access check denied', async () => {
    const admin = await t.connect('admin-sub', { username: 'admin', password: 'x' });
    const other = await t.connect('other-sub', { username: 'client1', password: 'x' });
    const inbox = new Inbox(admin);
    await admin.subscribeAsync('dh/notification/#', { qos: 1 });
    await other.subscribeAsync('dh/notification/#', { qos: 1 });
    const stored = new Date(Date.now() - 2_000).toISOString().slice(0, 23);
    const event = notificationEvent({ networkId: 2 });
    await t.bus.emit({ ...event, data: { ...event.data, timestamp: stored } });
    await inbox.next();
    const samples = await scrape();
    expect(sampleValue(samples, 'dh_pushes_total', { kind: 'notification' })).toBe(1);
    expect(sampleValue(samples, 'dh_pushes_denied_total', { kind: 'notification' })).toBe(1);
    expect(sampleValue(samples, 'dh_mqtt_messages_dropped_total', { reason: 'acl' })).toBe(1);
    expect(sampleValue(samples, 'dh_push_latency_seconds_count', { kind: 'notification' })).toBe(1);
    // stored 2 s ago: the observation falls in the bucket ≤ 2.5 s and not in ≤ 1 s
    expect(
      sampleValue(samples, 'dh_push_latency_seconds_bucket', { kind: 'notification', le: '1' }),
    ).toBe(0);
    expect(
      sampleValue(samples, 'dh_push_latency_seconds_bucket', { kind: 'notification', le: '2.5' }),
    ).toBe(1);
  });

  it('counts a publish to a reserved topic as dropped', async () => {
    const client = await t.connect('forger');
    await client.publishAsync('$SYS/fake', 'x', { qos: 1 });
    expect(
      sampleValue(await scrape(), 'dh_mqtt_messages_dropped_total', { reason: 'reserved' }),
    ).toBe(1);
  });

  describe('logs', () => {
    const parsed = () => logs.map((l) => JSON.parse(l) as Record<string, unknown>);

    it('logs one line per connect and disconnect with the client id and remote address', async () => {
      const client = await t.connect('logged', { username: 'admin', password: 'p4ss-w0rd' });
      await client.endAsync();
      await pause(50);
      const lines = parsed().filter((l) => l['clientId'] === 'logged');
      expect(lines).toEqual([
        expect.objectContaining({ msg: 'client connected', remoteAddress: '127.0.0.1' }),
        expect.objectContaining({ msg: 'client disconnected', remoteAddress: '127.0.0.1' }),
      ]);
      expect(logs.join('\n')).not.toContain('p4ss-w0rd');
    });

    it('logs a refused login with the client id and remote address, never the password', async () => {
      await expect(
        connectMqtt(t.url, 'refused', { username: 'nobody', password: 's3cret-pw' }),
      ).rejects.toMatchObject({ code: 4 });
      expect(parsed()).toContainEqual(
        expect.objectContaining({
          msg: 'login refused',
          clientId: 'refused',
          remoteAddress: '127.0.0.1',
          result: 'bad_credentials',
        }),
      );
      expect(logs.join('\n')).not.toContain('s3cret-pw');
    });
  });
});

describe('$SYS counters', () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker({ sysIntervalSeconds: 1 });
    acceptLogins(t.bus, PRINCIPALS);
  });

  afterEach(() => t.close());

  it('publishes Mosquitto-style broker counters to an admin at once and every interval', async () => {
    const admin = await t.connect('ops', { username: 'admin', password: 'x' });
    const inbox = new Inbox(admin);
    await admin.subscribeAsync('$SYS/+/broker/#', { qos: 0 });
    const seen = new Map<string, unknown>();
    while (seen.size < 7) {
      const message = await inbox.next();
      seen.set(message.topic, message.payload);
    }
    const prefix = `$SYS/${t.broker.id}/broker/`;
    expect(seen.get(`${prefix}clients/connected`)).toBe(1);
    expect(seen.get(`${prefix}version`)).toMatch(/^dh-mqtt \d+\.\d+\.\d+/);
    expect(seen.get(`${prefix}uptime`)).toMatch(/^\d+ seconds$/);
    expect(typeof seen.get(`${prefix}messages/received`)).toBe('number');
    expect(typeof seen.get(`${prefix}messages/sent`)).toBe('number');
    // and again after the interval
    const again = await inbox.next(2_500);
    expect(again.topic.startsWith(prefix)).toBe(true);
  });

  it('refuses the subscription of a non-admin, who then gets none', async () => {
    const user = await t.connect('curious', { username: 'client1', password: 'x' });
    const inbox = new Inbox(user);
    expect(await grantedQos(user, '$SYS/+/broker/#', 0)).toBe(128);
    expect(await inbox.quietFor(1_300)).toEqual([]);
  });
});
