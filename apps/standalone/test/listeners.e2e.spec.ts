import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Inbox,
  connectMqtt,
  selfSignedCertificate,
  servedFingerprint,
} from '@dh-mqtt/broker/testing';
import { loadStandaloneConfig, silentLogger } from '@dh-mqtt/runtime';
import type { IClientOptions, MqttClient } from 'mqtt';
import { startStandalone, type Standalone } from '../src/standalone';

// The four listeners (TCP, WebSocket, TLS, secure WebSocket; docs/security.md) and login failures:
// a wrong password or an unreachable backend must be refused, never bring the process down.

jest.setTimeout(60_000);

describe(`${startStandalone.name} listeners and login failures`, () => {
  let app: Standalone;
  let dir: string;
  let ca: Buffer;
  let paths: { certPath: string; keyPath: string };
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dh-listeners-'));
    paths = selfSignedCertificate(dir);
    const { certPath, keyPath } = paths;
    ca = readFileSync(certPath);
    app = await startStandalone(
      loadStandaloneConfig({
        DH_HOST: '127.0.0.1',
        DH_MQTT_PORT: '0',
        DH_WS_PORT: '0',
        DH_HTTP_PORT: '0',
        DH_API_PORT: '0',
        DH_TLS_PORT: '0',
        DH_WSS_PORT: '0',
        DH_TLS_CERT: certPath,
        DH_TLS_KEY: keyPath,
        DH_CONNECT_TIMEOUT_MS: '1500',
        DH_REQUEST_TIMEOUT_MS: '1500',
        DH_DATA_DIR: join(dir, 'data'),
        DH_JWT_SECRET: 'listeners-e2e-secret-of-enough-length-0123',
      }),
      { logger: silentLogger() },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const urls = () => ({
    tcp: `mqtt://127.0.0.1:${app.ports.mqtt}`,
    ws: `ws://127.0.0.1:${app.ports.ws}/mqtt`,
    tls: `mqtts://127.0.0.1:${app.ports.tls}`,
    wss: `wss://127.0.0.1:${app.ports.wss}/mqtt`,
  });

  async function connect(
    transport: 'tcp' | 'ws' | 'tls' | 'wss',
    id: string,
    options: IClientOptions = {},
  ) {
    const client = await connectMqtt(urls()[transport], id, { ca, ...options });
    clients.push(client);
    return client;
  }

  describe('when a certificate is configured', () => {
    it('reports the TLS and secure WebSocket ports next to TCP and WebSocket', () => {
      expect(new Set([app.ports.mqtt, app.ports.ws, app.ports.tls, app.ports.wss]).size).toBe(4);
      expect(app.ports.wss).toEqual(expect.any(Number));
    });

    it.each(['tcp', 'ws', 'tls', 'wss'] as const)(
      'serves logins and requests over %s',
      async (transport) => {
        const id = `lst-${transport}`;
        const client = await connect(transport, id, {
          username: 'dhadmin',
          password: 'dhadmin_#911',
        });
        const inbox = new Inbox(client);
        await client.subscribeAsync(`dh/response/user/getCurrent@${id}`, { qos: 1 });
        await client.publishAsync('dh/request', '{"action":"user/getCurrent","requestId":1}', {
          qos: 1,
        });
        expect((await inbox.next(10_000)).payload).toMatchObject({
          status: 'success',
          current: { login: 'dhadmin' },
        });
      },
    );
  });

  describe('when the certificate files are replaced and SIGHUP arrives', () => {
    it('serves the new certificate to new handshakes and keeps connected clients', async () => {
      const overWss = await connect('wss', 'lst-rotate-wss');
      const overTls = await connect('tls', 'lst-rotate-tls');
      const inbox = new Inbox(overWss);
      await overWss.subscribeAsync('plain/rotate', { qos: 1 });
      mkdirSync(join(dir, 'next'));
      const next = selfSignedCertificate(join(dir, 'next'));
      copyFileSync(next.certPath, paths.certPath);
      copyFileSync(next.keyPath, paths.keyPath);
      process.emit('SIGHUP', 'SIGHUP');

      const fingerprint = new X509Certificate(readFileSync(next.certPath)).fingerprint256;
      for (const port of [app.ports.tls, app.ports.wss]) {
        expect(await servedFingerprint(port as number)).toBe(fingerprint);
      }
      await overTls.publishAsync('plain/rotate', 'rotated', { qos: 1 });
      expect((await inbox.next()).payload).toBe('rotated');
      ca = readFileSync(next.certPath);
    });
  });

  describe('when the password is wrong', () => {
    it.each(['tcp', 'tls'] as const)(
      'refuses with CONNACK 4 over %s and keeps serving',
      async (transport) => {
        await expect(
          connectMqtt(urls()[transport], `lst-bad-${transport}`, {
            ca,
            username: 'dhadmin',
            password: 'wrong',
          }),
        ).rejects.toMatchObject({ code: 4 });
        const client = await connect(transport, `lst-after-bad-${transport}`);
        expect(client.connected).toBe(true);
      },
    );
  });

  describe('when the backend is unreachable', () => {
    it('refuses a login with CONNACK 3 within the connect timeout and keeps serving', async () => {
      const gateway = app.shutdownSteps.find((step) => step.name === 'gateway');
      await gateway?.close();
      const started = Date.now();
      await expect(
        connectMqtt(urls().tcp, 'lst-down', { username: 'dhadmin', password: 'dhadmin_#911' }),
      ).rejects.toMatchObject({ code: 3 });
      expect(Date.now() - started).toBeLessThan(5_000);

      const client = await connect('tcp', 'lst-still-up');
      const inbox = new Inbox(client);
      await client.subscribeAsync('plain/up', { qos: 1 });
      await client.publishAsync('plain/up', 'yes', { qos: 1 });
      expect((await inbox.next()).payload).toBe('yes');
    });
  });
});
