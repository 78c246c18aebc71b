import type { AddressInfo } from 'node:net';
import { startTestBroker, replyTo, type TestBroker } from '@dh-mqtt/broker/testing';
import { silentLogger } from '@dh-mqtt/runtime';
import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { createApiServer, type ApiServer } from '../server/api-server';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WebSocket API reads held while a client is ahead of the server (ADR 0020)', () => {
  let t: TestBroker;
  let api: ApiServer;
  let registry: Registry;
  let client: WebSocket;
  let openGateway!: () => void;
  const replies: Array<Record<string, unknown>> = [];

  /** The product's default limit: reading stops at 500 unanswered requests, starts again at 250. */
  beforeEach(async () => {
    registry = new Registry();
    t = await startTestBroker({ maxPendingRequests: 1_000, requestRate: 0 });
    const gatewayOpen = new Promise<void>((resolve) => (openGateway = resolve));
    t.bus.handler = (envelope) => gatewayOpen.then(() => replyTo(envelope));
    api = createApiServer({
      face: t.broker,
      logger: silentLogger(),
      maxRequestSize: 4_096,
      metrics: registry,
    });
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const { port } = api.server.address() as AddressInfo;
    client = new WebSocket(`ws://127.0.0.1:${port}/api/websocket`);
    replies.length = 0;
    client.on('message', (data) =>
      replies.push(JSON.parse(String(data)) as Record<string, unknown>),
    );
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  });

  afterEach(async () => {
    openGateway();
    client.terminate();
    api.closeConnections();
    await new Promise((resolve) => api.server.close(resolve));
    await t.close();
  });

  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;

  it('stops reading at half the pending limit: 2.5 times the limit is answered without a 429', async () => {
    for (let n = 1; n <= 2_500; n++) {
      client.send(JSON.stringify({ action: 'server/info', requestId: n }));
      if (n % 50 === 0) await pause(3);
    }
    await pause(50);
    expect(await metric('dh_api_ws_connections_read_paused')).toBe(1);

    openGateway();
    for (const until = Date.now() + 10_000; replies.length < 2_500 && Date.now() < until;) {
      await pause(20);
    }
    expect(replies.map((reply) => [reply['requestId'], reply['status']])).toEqual(
      Array.from({ length: 2_500 }, (_, i) => [i + 1, 'success']),
    );
    expect(await metric('dh_api_ws_read_pauses_total')).toBeGreaterThanOrEqual(1);
    expect(await metric('dh_api_ws_read_paused_seconds_total')).toBeGreaterThan(0);
    expect(await metric('dh_api_ws_connections_read_paused')).toBe(0);
  });
});
