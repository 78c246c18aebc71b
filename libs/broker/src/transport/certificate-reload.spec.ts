import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '@dh-mqtt/runtime';
import type { MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { createBroker, type DhBroker } from '../broker';
import {
  FakeBrokerBus,
  Inbox,
  TEST_SETTINGS,
  connectMqtt,
  selfSignedCertificate,
  servedFingerprint,
} from '../testing';
import { createListeners, type ListenerPorts, type Listeners } from './listeners';

// Certificate rotation (docs/security.md): a reload re-keys the TLS and secure WebSocket
// listeners for new handshakes; connected clients stay; a bad file keeps the certificate in use.

interface Pem {
  cert: Buffer;
  key: Buffer;
  fingerprint: string;
  expiresAt: number;
}

function makeCertificate(dir: string): Pem {
  const { certPath, keyPath } = selfSignedCertificate(dir);
  const cert = readFileSync(certPath);
  const x509 = new X509Certificate(cert);
  return {
    cert,
    key: readFileSync(keyPath),
    fingerprint: x509.fingerprint256,
    expiresAt: Math.floor(Date.parse(x509.validTo) / 1000),
  };
}

/** Polls `check` every few ms until it holds; fails after `withinMs`. */
async function eventually(check: () => Promise<boolean>, withinMs = 1_500): Promise<void> {
  for (const until = Date.now() + withinMs; !(await check());) {
    if (Date.now() > until) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('certificate reload of the TLS and secure WebSocket listeners', () => {
  let root: string;
  let a: Pem;
  let b: Pem;
  let dir: string;
  let broker: DhBroker;
  let metrics: Registry;
  let signals: EventEmitter;
  let logLines: string[];
  let listeners: Listeners;
  let ports: ListenerPorts;
  const clients: MqttClient[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dh-cert-reload-'));
    mkdirSync(join(root, 'a'));
    mkdirSync(join(root, 'b'));
    a = makeCertificate(join(root, 'a'));
    b = makeCertificate(join(root, 'b'));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Starts the listeners on `paths` (cert A unless the caller wrote something else there). */
  async function start(paths: { certPath: string; keyPath: string }): Promise<void> {
    metrics = new Registry();
    signals = new EventEmitter();
    logLines = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    broker = await createBroker({
      bus: new FakeBrokerBus(),
      logger: silentLogger(),
      config: TEST_SETTINGS,
    });
    listeners = createListeners(
      broker,
      {
        mqttPort: 0,
        wsPort: 0,
        wsPath: '/mqtt',
        maxPacketSize: 65_536,
        tls: { port: 0, wssPort: 0, ...paths },
      },
      {
        logger: createLogger({ level: 'info', name: 'test', destination }),
        metrics,
        signals: signals as unknown as NodeJS.Process,
        certificateDebounceMs: 20,
      },
    );
    ports = await listeners.listen('127.0.0.1');
  }

  /** A plain directory holding cert.pem and key.pem. */
  async function startInPlainDirectory(): Promise<{ certPath: string; keyPath: string }> {
    dir = mkdtempSync(join(root, 'plain-'));
    const paths = { certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') };
    install(paths, a);
    await start(paths);
    return paths;
  }

  function install(paths: { certPath: string; keyPath: string }, pem: Pick<Pem, 'cert' | 'key'>) {
    writeFileSync(paths.certPath, pem.cert);
    writeFileSync(paths.keyPath, pem.key);
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    listeners?.stopAccepting();
    await broker?.close();
  });

  async function connect(url: string, id: string, ca: Buffer): Promise<MqttClient> {
    const client = await connectMqtt(url, id, { ca });
    clients.push(client);
    return client;
  }

  const tlsUrl = () => `mqtts://127.0.0.1:${ports.tls}`;
  const wssUrl = () => `wss://127.0.0.1:${ports.wss}/mqtt`;

  async function counted(result: 'success' | 'failure'): Promise<number> {
    const metric = await metrics.getSingleMetric('dh_tls_certificate_reloads_total')?.get();
    return metric?.values.find((v) => v.labels['result'] === result)?.value ?? -1;
  }

  async function expiry(): Promise<number | undefined> {
    const metric = await metrics
      .getSingleMetric('dh_tls_certificate_expiry_timestamp_seconds')
      ?.get();
    return metric?.values[0]?.value;
  }

  const serves = async (pem: Pem) =>
    (await servedFingerprint(ports.tls as number)) === pem.fingerprint &&
    (await servedFingerprint(ports.wss as number)) === pem.fingerprint;

  describe('when the files are swapped and a reload is asked for', () => {
    it('keeps connected clients and serves the new certificate to new handshakes', async () => {
      const paths = await startInPlainDirectory();
      expect(await serves(a)).toBe(true);
      expect(await counted('success')).toBe(0);
      expect(a.expiresAt).toBeGreaterThan(Date.now() / 1000);
      expect(await expiry()).toBe(a.expiresAt);
      const overTls = await connect(tlsUrl(), 'old-tls', a.cert);
      const overWss = await connect(wssUrl(), 'old-wss', a.cert);
      const inboxes = [new Inbox(overTls), new Inbox(overWss)];
      await Promise.all([overTls, overWss].map((c) => c.subscribeAsync('plain/r', { qos: 1 })));

      install(paths, b);
      expect(listeners.reloadCertificates()).toBe(true);

      expect(await serves(b)).toBe(true);
      const fresh = await connect(tlsUrl(), 'new-tls', b.cert);
      await connect(wssUrl(), 'new-wss', b.cert);
      await fresh.publishAsync('plain/r', 'after reload', { qos: 1 });
      for (const inbox of inboxes) expect((await inbox.next(1_500)).payload).toBe('after reload');
      expect([overTls.connected, overWss.connected]).toEqual([true, true]);
      expect(await counted('success')).toBe(1);
      expect(await expiry()).toBe(b.expiresAt);
    });

    it('logs the new certificate, never the key', async () => {
      const paths = await startInPlainDirectory();
      install(paths, b);
      listeners.reloadCertificates();
      const reloaded = logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line['msg'] === 'tls certificate reloaded');
      expect(reloaded).toMatchObject({
        trigger: 'request',
        subject: 'CN=127.0.0.1',
        fingerprint256: b.fingerprint,
        validTo: new X509Certificate(b.cert).validTo,
      });
      const keyBody = b.key.toString().split('\n')[1];
      expect(logLines.join('')).not.toContain(keyBody);
      expect(logLines.join('')).not.toContain('PRIVATE KEY');
    });
  });

  describe('when SIGHUP arrives', () => {
    it('reloads the certificate', async () => {
      const paths = await startInPlainDirectory();
      install(paths, b);
      signals.emit('SIGHUP', 'SIGHUP');
      expect(await serves(b)).toBe(true);
      expect(await counted('success')).toBe(1);
    });

    it('stops listening for SIGHUP once the listeners stop accepting', async () => {
      await startInPlainDirectory();
      expect(signals.listenerCount('SIGHUP')).toBe(1);
      listeners.stopAccepting();
      expect(signals.listenerCount('SIGHUP')).toBe(0);
    });
  });

  describe('when a new file is bad', () => {
    it.each([
      ['an unparsable certificate', (p: Pem) => ({ cert: Buffer.from('not a pem'), key: p.key })],
      ['a key that is not the certificate’s', (p: Pem) => ({ cert: p.cert, key: a.key })],
      ['an empty key', (p: Pem) => ({ cert: p.cert, key: Buffer.alloc(0) })],
    ])('keeps the certificate in use on %s and counts a failure', async (_, broken) => {
      const paths = await startInPlainDirectory();
      const overTls = await connect(tlsUrl(), 'stays', a.cert);
      install(paths, b);
      expect(listeners.reloadCertificates()).toBe(true);

      install(paths, broken(b));
      expect(listeners.reloadCertificates()).toBe(false);

      expect(await serves(b)).toBe(true);
      expect(await counted('failure')).toBe(1);
      expect(await counted('success')).toBe(1);
      expect(await expiry()).toBe(b.expiresAt);
      expect(overTls.connected).toBe(true);
      const failure = logLines.find((line) => line.includes('tls certificate reload failed'));
      expect(failure).toContain(dir);
      expect(failure).not.toContain('PRIVATE KEY');
    });
  });

  describe('when the files change on disk', () => {
    it('reloads without being asked, and leaves a bad change unserved', async () => {
      const paths = await startInPlainDirectory();
      const overWss = await connect(wssUrl(), 'watch-wss', a.cert);
      install(paths, b);
      await eventually(() => serves(b));
      expect(await counted('success')).toBe(1);

      writeFileSync(paths.certPath, 'garbage');
      await eventually(async () => (await counted('failure')) === 1);
      expect(await serves(b)).toBe(true);
      expect(overWss.connected).toBe(true);
    });

    it('follows a Kubernetes secret swap of the ..data symlink', async () => {
      // The layout kubelet mounts: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/.
      dir = mkdtempSync(join(root, 'k8s-'));
      const version = (name: string, pem: Pem) => {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'tls.crt'), pem.cert);
        writeFileSync(join(dir, name, 'tls.key'), pem.key);
      };
      version('..v1', a);
      symlinkSync('..v1', join(dir, '..data'));
      symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
      symlinkSync('..data/tls.key', join(dir, 'tls.key'));
      await start({ certPath: join(dir, 'tls.crt'), keyPath: join(dir, 'tls.key') });
      const overTls = await connect(tlsUrl(), 'k8s-tls', a.cert);
      expect(await serves(a)).toBe(true);

      version('..v2', b);
      symlinkSync('..v2', join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, '..v1'), { recursive: true });

      await eventually(() => serves(b));
      expect(overTls.connected).toBe(true);
      expect(await counted('success')).toBe(1);
    });
  });

  describe('when the files are touched but unchanged', () => {
    it('reloads nothing', async () => {
      const paths = await startInPlainDirectory();
      install(paths, a);
      copyFileSync(paths.certPath, join(dir, 'unrelated.pem'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await counted('success')).toBe(0);
      expect(await counted('failure')).toBe(0);
    });
  });
});
