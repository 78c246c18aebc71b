import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import {
  createLogger,
  loadStandaloneConfig,
  parsePrometheusText,
  sampleValue,
  silentLogger,
  type Env,
} from '@dh-mqtt/runtime';
import type { MqttClient } from 'mqtt';
import { startStandalone, type Standalone } from '../src/standalone';

jest.setTimeout(60_000);

const DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

function configFor(dataDir: string, env: Env = {}) {
  return loadStandaloneConfig({
    DH_HOST: '127.0.0.1',
    DH_MQTT_PORT: '0',
    DH_WS_PORT: '0',
    DH_HTTP_PORT: '0',
    DH_API_PORT: 'off',
    DH_DATA_DIR: dataDir,
    DH_JWT_SECRET: 'e2e-secret-of-enough-length-0123456789',
    ...env,
  });
}

/** A logger whose JSON lines the test reads. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', name: 'standalone', destination }) };
}

describe('the gateway thread (DH_GATEWAY_THREAD)', () => {
  let app: Standalone | undefined;
  let dataDir: string;
  const clients: MqttClient[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dh-standalone-thread-'));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function login(name: string): Promise<MqttClient> {
    if (!app) throw new Error('no app');
    const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, name, {
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    clients.push(client);
    return client;
  }

  /** An admin asking over MQTT, and a second session receiving the pushes. */
  async function admin(): Promise<{ ask(body: object): Promise<unknown>; pushes: Inbox }> {
    const client = await login('thread-admin');
    const listener = await login('thread-listener');
    const replies = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    const pushes = new Inbox(listener);
    await listener.subscribeAsync('dh/notification/#', { qos: 1 });
    return {
      pushes,
      async ask(body) {
        await client.publishAsync('dh/request', JSON.stringify(body), { qos: 1 });
        return (await replies.next(10_000)).payload;
      },
    };
  }

  const insert = (requestId: number) => ({
    action: 'notification/insert',
    requestId,
    deviceId: DEVICE,
    notification: { notification: 'temperature', parameters: { t: requestId } },
  });

  async function scrape(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${app?.ports.http}/metrics`)).text();
  }

  describe.each(['worker', 'main'] as const)('with %s', (thread) => {
    it('persists a notification, pushes it and answers, then serves it back', async () => {
      app = await startStandalone(configFor(dataDir, { DH_GATEWAY_THREAD: thread }), {
        logger: silentLogger(),
      });
      const { ask } = await admin();

      const inserted = await ask(insert(1));
      const listed = await ask({ action: 'notification/list', requestId: 2, deviceId: DEVICE });

      expect(app.gatewayThread).toBe(thread);
      expect(inserted).toMatchObject({
        status: 'success',
        notification: { id: expect.any(Number) },
      });
      expect(listed).toMatchObject({
        status: 'success',
        notifications: [{ notification: 'temperature', parameters: { t: 1 } }],
      });
    });
  });

  describe('when the gateway runs in its worker thread (the default)', () => {
    it('writes its log lines into the process’s log stream, before the listening line', async () => {
      const { lines, logger } = capturingLogger();

      app = await startStandalone(configFor(dataDir), { logger });

      const warning = lines.findIndex((line) => line['thread'] === 'gateway');
      const listening = lines.findIndex((line) => line['msg'] === 'standalone listening');
      expect(lines[warning]).toMatchObject({
        level: 40,
        name: 'standalone',
        pid: process.pid,
        component: 'core',
        msg: expect.stringContaining('still has the published default password'),
      });
      expect(lines[listening]).toMatchObject({ gatewayThread: 'worker' });
      expect(warning).toBeLessThan(listening);
    });

    it('exports the series of both threads in one /metrics, each family once', async () => {
      app = await startStandalone(configFor(dataDir), { logger: silentLogger() });
      const { ask, pushes } = await admin();
      await ask(insert(1));
      await pushes.next(10_000);

      const text = await scrape();
      const samples = parsePrometheusText(text);

      // The core's statements and the gateway's actions are counted in the gateway thread.
      expect(
        sampleValue(samples, 'dh_gateway_actions_total', { action: 'notification/insert' }),
      ).toBe(1);
      expect(sampleValue(samples, 'dh_db_statement_duration_seconds_count')).toBeGreaterThan(0);
      // The broker's side and the bus between the threads in the main one.
      const sent = sampleValue(samples, 'dh_worker_bus_messages_total', { direction: 'out' });
      expect(sent).toBeGreaterThanOrEqual(3); // two logins and the insert
      // Each request has its reply; the insert also its event.
      expect(sampleValue(samples, 'dh_worker_bus_messages_total', { direction: 'in' })).toBe(
        sent + 1 + 1, // + the event + the "serving" message
      );
      const batchesIn = sampleValue(samples, 'dh_worker_bus_batches_total', { direction: 'in' });
      expect(batchesIn).toBeGreaterThan(0);
      expect(batchesIn).toBeLessThanOrEqual(sent + 2); // at most one per message
      expect(
        sampleValue(samples, 'dh_worker_bus_batches_total', { direction: 'out' }),
      ).toBeLessThanOrEqual(sent);
      expect(sampleValue(samples, 'dh_bus_up')).toBe(1);
      expect(sampleValue(samples, 'dh_gateway_thread_heap_used_bytes')).toBeGreaterThan(0);
      // The thread's own pauses: starting PGlite alone makes young-generation collections.
      expect(
        sampleValue(samples, 'dh_gateway_thread_gc_duration_seconds_count', { kind: 'minor' }),
      ).toBeGreaterThan(0);
      const families = text.split('\n').filter((line) => line.startsWith('# TYPE '));
      expect(families.length).toBe(new Set(families).size);
    });

    it('answers 503 at once, turns not ready and reports the loss when the thread dies', async () => {
      app = await startStandalone(configFor(dataDir), { logger: silentLogger() });
      const { ask } = await admin();
      await ask(insert(1));

      await app.gatewayWorker?.terminate();
      const lost = await app.gatewayLost;
      const started = Date.now();
      const reply = await ask(insert(2));

      expect(lost.message).toMatch(/gateway thread exited/);
      expect(reply).toMatchObject({ status: 'error', code: 503 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await fetch(`http://127.0.0.1:${app.ports.http}/readyz`)).status).toBe(503);
      expect(sampleValue(parsePrometheusText(await scrape()), 'dh_bus_up')).toBe(0);
    });
  });
});
