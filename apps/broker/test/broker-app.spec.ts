import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FakeBrokerBus,
  Inbox,
  connectMqtt,
  selfSignedCertificate,
  servedFingerprint,
} from '@dh-mqtt/broker/testing';
import {
  METRICS,
  loadBrokerConfig,
  parsePrometheusText,
  sampleNamesOf,
  sampledNames,
  silentLogger,
} from '@dh-mqtt/runtime';
import { startBrokerApp } from '../src/broker-app';

describe(startBrokerApp.name, () => {
  let app: Awaited<ReturnType<typeof startBrokerApp>>;
  let bus: FakeBrokerBus;

  beforeEach(async () => {
    bus = new FakeBrokerBus();
    const config = loadBrokerConfig({
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
      DH_API_PORT: '0',
    });
    app = await startBrokerApp(config, { bus, logger: silentLogger() });
  });

  afterEach(async () => {
    for (const step of app.shutdownSteps) await step.close();
  });

  it('starts the bus and answers requests over TCP through it', async () => {
    expect(bus.state).toBe('started');
    const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'pod-client');
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    await client.publishAsync('dh/request', '{"action":"server/info","requestId":5}', { qos: 1 });
    expect((await inbox.next()).payload).toMatchObject({ requestId: 5, status: 'success' });
    await client.endAsync(true);
  });

  it('serves the REST API on DH_API_PORT through the bus (docs/adr/0012)', async () => {
    const response = await fetch(`http://127.0.0.1:${app.ports.api}/api/rest/info`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      webSocketServerUrl: `ws://127.0.0.1:${app.ports.api}/api/websocket`,
    });
    expect(bus.requests.map((envelope) => envelope.request.action)).toContain('server/info');
  });

  it('exports every metric the catalog lists for a broker pod (Redis and TLS aside)', async () => {
    const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'pod-metrics');
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    await client.publishAsync('dh/request', '{"action":"server/info","requestId":5}', { qos: 1 });
    await inbox.next();
    expect((await fetch(`http://127.0.0.1:${app.ports.api}/api/rest/info`)).status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${app.ports.http}/metrics`)).text();
    const sampled = sampledNames(parsePrometheusText(text));
    const missing = METRICS.filter((m) => m.roles.includes('broker') && !m.when)
      .flatMap(sampleNamesOf)
      .filter((name) => !sampled.has(name));
    expect(missing).toEqual([]);
    await client.endAsync(true);
  });

  it('turns /readyz to 503 on shutdown and closes the bus', async () => {
    const readyz = `http://127.0.0.1:${app.ports.http}/readyz`;
    expect((await fetch(readyz)).status).toBe(200);
    await app.shutdownSteps[0].close();
    expect((await fetch(readyz)).status).toBe(503);
    for (const step of app.shutdownSteps.slice(1)) await step.close();
    expect(bus.state).toBe('closed');
  });
});

describe('broker pod shutdown', () => {
  describe('when a request is in flight as SIGTERM arrives', () => {
    it('stops accepting, lets the reply reach the client, then disconnects it', async () => {
      const bus = new FakeBrokerBus();
      let release: () => void = () => undefined;
      const answered = bus.handler;
      bus.handler = (envelope) =>
        new Promise((resolve) => {
          release = () => resolve(answered(envelope));
        });
      const config = loadBrokerConfig({
        DH_HOST: '127.0.0.1',
        DH_MQTT_PORT: '0',
        DH_WS_PORT: '0',
        DH_HTTP_PORT: '0',
        DH_API_PORT: '0',
      });
      const app = await startBrokerApp(config, { bus, logger: silentLogger() });
      const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'draining-client');
      const inbox = new Inbox(client);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"server/info","requestId":9}', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));

      const shutdown = (async () => {
        for (const step of app.shutdownSteps) await step.close();
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'late-client');
      await expect(refused).rejects.toThrow();
      release();

      expect((await inbox.next()).payload).toMatchObject({ requestId: 9, status: 'success' });
      await closed;
      await shutdown;
      expect(bus.state).toBe('closed');
    });
  });
});

describe('broker pod with a certificate', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dh-pod-tls-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves MQTT over secure WebSocket and reloads the certificate on SIGHUP', async () => {
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const a = selfSignedCertificate(join(dir, 'a'));
    const b = selfSignedCertificate(join(dir, 'b'));
    const served = { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') };
    copyFileSync(a.certPath, served.certPath);
    copyFileSync(a.keyPath, served.keyPath);
    const hangupListeners = process.listenerCount('SIGHUP');
    const config = loadBrokerConfig({
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
      DH_API_PORT: '0',
      DH_TLS_PORT: '0',
      DH_WSS_PORT: '0',
      DH_TLS_CERT: served.certPath,
      DH_TLS_KEY: served.keyPath,
    });
    const app = await startBrokerApp(config, { bus: new FakeBrokerBus(), logger: silentLogger() });
    try {
      expect(app.ports).toEqual({
        mqtt: expect.any(Number),
        ws: expect.any(Number),
        tls: expect.any(Number),
        wss: expect.any(Number),
        http: expect.any(Number),
        api: expect.any(Number),
      });
      const client = await connectMqtt(`wss://127.0.0.1:${app.ports.wss}/mqtt`, 'pod-wss', {
        ca: readFileSync(a.certPath),
      });
      const inbox = new Inbox(client);
      await client.subscribeAsync('plain/pod', { qos: 1 });

      copyFileSync(b.certPath, served.certPath);
      copyFileSync(b.keyPath, served.keyPath);
      process.emit('SIGHUP', 'SIGHUP');

      const fingerprint = new X509Certificate(readFileSync(b.certPath)).fingerprint256;
      expect(await servedFingerprint(app.ports.tls as number)).toBe(fingerprint);
      expect(await servedFingerprint(app.ports.wss as number)).toBe(fingerprint);
      await client.publishAsync('plain/pod', 'still here', { qos: 1 });
      expect((await inbox.next()).payload).toBe('still here');
      await client.endAsync(true);
    } finally {
      for (const step of app.shutdownSteps) await step.close();
    }
    expect(process.listenerCount('SIGHUP')).toBe(hangupListeners);
  });
});
