import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { Inbox, connectMqtt, startTestBroker, replyTo, type TestBroker } from '../testing';
import { createWsServer } from '../transport/ws-server';
import { RawClient, limitHits, metricValue, pause } from '../testing/limits.fixtures';
import { MAX_HOLD_MS, ReadHold, readHoldPolicy } from './read-hold';

describe(ReadHold.name, () => {
  const events: string[] = [];
  const reads = { hold: () => events.push('hold'), release: () => events.push('release') };
  const metrics = {
    held: () => events.push('counted hold'),
    released: (seconds: number) => events.push(`counted ${seconds >= 0 ? 'release' : '?'}`),
  };

  beforeEach(() => {
    events.length = 0;
  });

  it('holds at half of DH_MAX_PENDING_REQUESTS and releases at a quarter', () => {
    expect(readHoldPolicy(1_000)).toEqual({ holdAt: 500, releaseAt: 250, maxHoldMs: MAX_HOLD_MS });
    expect(readHoldPolicy(3)).toEqual({ holdAt: 2, releaseAt: 1, maxHoldMs: MAX_HOLD_MS });
    expect(readHoldPolicy(1)).toEqual({ holdAt: 1, releaseAt: 0, maxHoldMs: MAX_HOLD_MS });
    expect(readHoldPolicy(0)).toEqual({ holdAt: 1, releaseAt: 0, maxHoldMs: MAX_HOLD_MS });
  });

  it('holds once the queue reaches holdAt and releases once it is back at releaseAt', () => {
    const hold = new ReadHold(reads, { holdAt: 4, releaseAt: 2, maxHoldMs: 60_000 }, metrics);
    for (const length of [1, 2, 3]) hold.queueLength(length);
    expect(events).toEqual([]);
    hold.queueLength(4);
    expect(events).toEqual(['counted hold', 'hold']);
    for (const length of [5, 4, 3]) hold.queueLength(length);
    expect(hold.holding).toBe(true);
    hold.queueLength(2);
    expect(events).toEqual(['counted hold', 'hold', 'counted release', 'release']);
    expect(hold.holding).toBe(false);
    hold.queueLength(3);
    expect(events).toHaveLength(4);
  });

  it('releases after maxHoldMs, and the next long queue holds again', async () => {
    const hold = new ReadHold(reads, { holdAt: 2, releaseAt: 1, maxHoldMs: 30 }, metrics);
    hold.queueLength(2);
    await pause(60);
    expect(events).toEqual(['counted hold', 'hold', 'counted release', 'release']);
    hold.queueLength(3);
    expect(events.slice(4)).toEqual(['counted hold', 'hold']);
    hold.release();
    hold.release();
    expect(events.slice(6)).toEqual(['counted release', 'release']);
  });
});

describe('reads held while a client is ahead of the server (ADR 0020)', () => {
  let t: TestBroker;
  let registry: Registry;
  let raw: RawClient;
  let openGateway!: () => void;

  /** The product's default limit: reading stops at 500 unanswered requests, starts again at 250. */
  beforeEach(async () => {
    registry = new Registry();
    t = await startTestBroker({ maxPendingRequests: 1_000, requestRate: 0 }, undefined, {
      metrics: registry,
    });
    const gatewayOpen = new Promise<void>((resolve) => (openGateway = resolve));
    t.bus.handler = (envelope) => gatewayOpen.then(() => replyTo(envelope));
    raw = await RawClient.open(t.url);
    await raw.connect('fast');
    await raw.subscribe('dh/response/#', 1, 0);
  });

  afterEach(async () => {
    openGateway();
    raw.destroy();
    await t.close();
  });

  /** `count` `server/info` requests (~60 bytes each), 50 to a TCP write, a few ms apart. */
  async function sendInWrites(count: number): Promise<void> {
    for (let n = 1; n <= count; n += 50) {
      const ids = Array.from({ length: Math.min(50, count - n + 1) }, (_, i) => n + i);
      raw.requests(ids.map((requestId) => ({ action: 'server/info', requestId })));
      await pause(3);
    }
  }

  const replies = () =>
    raw.publishes().map((p) => JSON.parse(p.payload.toString()) as Record<string, unknown>);
  const gauge = (name: string) => metricValue(registry, name);

  it('stops reading at half the pending limit: 2.5 times the limit is answered without a 429', async () => {
    await sendInWrites(2_500);
    await pause(50);
    expect(await gauge('dh_mqtt_connections_read_paused')).toBe(1);
    expect(await gauge('dh_requests_pending')).toBeGreaterThanOrEqual(500);
    expect(await gauge('dh_requests_pending')).toBeLessThanOrEqual(1_000);

    openGateway();
    await raw.waitFor(() => raw.publishes().length === 2_500, 10_000);
    expect(replies().map((reply) => [reply['requestId'], reply['status']])).toEqual(
      Array.from({ length: 2_500 }, (_, i) => [i + 1, 'success']),
    );
    expect(await limitHits(registry, 'pending_requests')).toBe(0);
    expect(await gauge('dh_mqtt_read_pauses_total')).toBeGreaterThanOrEqual(2);
    expect(await gauge('dh_mqtt_read_paused_seconds_total')).toBeGreaterThan(0);
    expect(await gauge('dh_mqtt_connections_read_paused')).toBe(0);
  });

  it('reads again after a second while the gateway stays stalled, so a PINGREQ is answered', async () => {
    const sentAt = performance.now();
    await sendInWrites(600);
    raw.send({ cmd: 'pingreq' });
    await raw.waitFor((packet) => packet.cmd === 'pingresp', MAX_HOLD_MS + 2_000);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(MAX_HOLD_MS - 50);
    // Still 500 or more unanswered after the second: the next request read holds again.
    expect(await gauge('dh_mqtt_read_pauses_total')).toBe(2);
    expect(replies()).toEqual([]);

    openGateway();
    await raw.waitFor(() => raw.publishes().length === 600, 10_000);
    expect(replies().every((reply) => reply['status'] === 'success')).toBe(true);
  });

  it('holds an MQTT connection over WebSocket the same way (its stream pauses the socket)', async () => {
    const server = createWsServer(t.broker, { path: '/mqtt', maxPacketSize: 1_048_576 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = await connectMqtt(`ws://127.0.0.1:${port}/mqtt`, 'fast-ws');
    try {
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 0 });
      for (let n = 1; n <= 2_500; n++) {
        client.publish('dh/request', JSON.stringify({ action: 'server/info', requestId: n }));
        if (n % 50 === 0) await pause(3);
      }
      await pause(50);
      expect(await gauge('dh_mqtt_connections_read_paused')).toBe(1);
      expect(await gauge('dh_requests_pending')).toBeLessThanOrEqual(1_000);

      openGateway();
      for (
        const until = Date.now() + 10_000;
        inbox.messages.length < 2_500 && Date.now() < until;
      ) {
        await pause(20);
      }
      const answered = inbox.messages.map((m) => m.payload as Record<string, unknown>);
      expect(answered.map((reply) => [reply['requestId'], reply['status']])).toEqual(
        Array.from({ length: 2_500 }, (_, i) => [i + 1, 'success']),
      );
      expect(await limitHits(registry, 'pending_requests')).toBe(0);
    } finally {
      await client.endAsync(true);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
