import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { silentLogger } from '@dh-mqtt/runtime';
import type { MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { createBroker, type DhBroker } from '../broker';
import {
  FakeBrokerBus,
  Inbox,
  TEST_SETTINGS,
  connectMqtt,
  selfSignedCertificate,
  within,
} from '../testing';
import { createListeners, type ListenerPorts, type Listeners } from './listeners';

// DH_MAX_PACKET_SIZE on every listener (docs/security.md): the same guard on TCP, TLS, WebSocket
// and secure WebSocket, whatever the pieces the bytes arrive in.

const LIMIT = 4096;
const TRANSPORTS = ['tcp', 'tls', 'ws', 'wss'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** An MQTT string: two length bytes then the bytes. */
const mqttString = (text: string) => {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

/** The remaining length field [MQTT-2.2.3]. */
function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

const packet = (header: number, body: Buffer) =>
  Buffer.concat([Buffer.from([header]), remainingLength(body.length), body]);

/** CONNECT, MQTT 3.1.1, clean session, keepalive 60, no credentials. */
const connectPacket = (clientId: string) =>
  packet(
    0x10,
    Buffer.concat([
      mqttString('MQTT'),
      Buffer.from([0x04, 0x02, 0x00, 0x3c]),
      mqttString(clientId),
    ]),
  );

/** PUBLISH QoS 0 on `topic`. */
const publishPacket = (topic: string, payload: Buffer) =>
  packet(0x30, Buffer.concat([mqttString(topic), payload]));

/** Splits `bytes` into pieces of `size` bytes. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** A byte pipe to one listener: socket writes, or one binary WebSocket message per write. */
interface RawClient {
  send(bytes: Buffer): void;
  readonly received: Buffer[];
  readonly isClosed: boolean;
  readonly closed: Promise<void>;
  destroy(): void;
}

function openRaw(transport: Transport, ports: ListenerPorts, ca: Buffer): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    let isClosed = false;
    let markClosed: () => void = () => undefined;
    const closed = new Promise<void>((done) => {
      markClosed = () => {
        isClosed = true;
        done();
      };
    });
    if (transport === 'ws' || transport === 'wss') {
      const url = `${transport}://127.0.0.1:${ports[transport]}/mqtt`;
      const ws = new WebSocket(url, 'mqtt', { ca });
      ws.on('message', (data: Buffer) => received.push(data));
      ws.on('close', markClosed);
      ws.on('error', reject);
      ws.once('open', () =>
        resolve({
          send: (bytes) => ws.readyState === WebSocket.OPEN && ws.send(bytes, { binary: true }),
          received,
          get isClosed() {
            return isClosed;
          },
          closed,
          destroy: () => ws.terminate(),
        }),
      );
      return;
    }
    const socket =
      transport === 'tcp'
        ? connectTcp(ports.mqtt, '127.0.0.1')
        : connectTls({ port: ports.tls, host: '127.0.0.1', ca });
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', markClosed);
    socket.once('error', reject);
    socket.once(transport === 'tcp' ? 'connect' : 'secureConnect', () => {
      socket.on('error', () => undefined);
      resolve({
        send: (bytes) => socket.writable && socket.write(bytes),
        received,
        get isClosed() {
          return isClosed;
        },
        closed,
        destroy: () => socket.destroy(),
      });
    });
  });
}

const tick = (ms = 2) => new Promise((resolve) => setTimeout(resolve, ms));

describe(createListeners.name, () => {
  let dir: string;
  let ca: Buffer;
  let broker: DhBroker;
  let metrics: Registry;
  let listeners: Listeners;
  let ports: ListenerPorts;
  let subscriber: MqttClient;
  let inbox: Inbox;
  const raws: RawClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dh-listeners-'));
    const paths = selfSignedCertificate(dir);
    ca = readFileSync(paths.certPath);
    metrics = new Registry();
    broker = await createBroker({
      bus: new FakeBrokerBus(),
      logger: silentLogger(),
      config: TEST_SETTINGS,
      metrics,
    });
    listeners = createListeners(
      broker,
      {
        mqttPort: 0,
        wsPort: 0,
        wsPath: '/mqtt',
        maxPacketSize: LIMIT,
        tls: { port: 0, wssPort: 0, ...paths },
      },
      { logger: silentLogger(), metrics, signals: new EventEmitter() as unknown as NodeJS.Process },
    );
    ports = await listeners.listen('127.0.0.1');
    subscriber = await connectMqtt(`mqtt://127.0.0.1:${ports.mqtt}`, 'watcher');
    inbox = new Inbox(subscriber);
    await subscriber.subscribeAsync('plain/#', { qos: 0 });
  });

  afterAll(async () => {
    await subscriber?.endAsync(true);
    listeners?.stopAccepting();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => raws.splice(0).forEach((raw) => raw.destroy()));

  async function raw(transport: Transport): Promise<RawClient> {
    const client = await openRaw(transport, ports, ca);
    raws.push(client);
    return client;
  }

  /** A raw client that has sent CONNECT and read its CONNACK. */
  async function session(transport: Transport, clientId: string): Promise<RawClient> {
    const client = await raw(transport);
    client.send(connectPacket(clientId));
    for (const until = Date.now() + 2_000; Buffer.concat(client.received).length < 4;) {
      if (Date.now() > until) throw new Error('no CONNACK');
      await tick();
    }
    expect([...Buffer.concat(client.received).subarray(0, 4)]).toEqual([0x20, 0x02, 0x00, 0x00]);
    return client;
  }

  async function packetSizeHits(): Promise<number> {
    const metric = await metrics.getSingleMetric('dh_broker_limit_hits_total')?.get();
    return metric?.values.find((v) => v.labels['limit'] === 'packet_size')?.value ?? 0;
  }

  it('binds TCP, WebSocket, TLS and secure WebSocket on their own ports', () => {
    expect(new Set(Object.values(ports)).size).toBe(4);
    expect(Object.keys(ports).sort()).toEqual(['mqtt', 'tls', 'ws', 'wss']);
  });

  describe.each(TRANSPORTS)('over %s', (transport) => {
    describe('when a socket declares a huge CONNECT and trickles the body', () => {
      it('is closed before CONNECT, with no answer', async () => {
        const hits = await packetSizeHits();
        const client = await raw(transport);
        client.send(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
        for (let n = 0; n < 200 && !client.isClosed; n++) {
          client.send(Buffer.alloc(512, 0x61));
          await tick();
        }
        await within(client.closed, 1_500);
        expect(client.received).toEqual([]);
        // Counted when aedes sees the guard's error, which may come just after the close.
        for (const until = Date.now() + 1_000; (await packetSizeHits()) === hits;) {
          if (Date.now() > until) break;
          await tick(5);
        }
        expect(await packetSizeHits()).toBe(hits + 1);
      });
    });

    describe('when a connected client streams a PUBLISH over the limit in small pieces', () => {
      it('is closed as soon as the header is read, long before the body is sent', async () => {
        const client = await session(transport, `big-${transport}`);
        // Declares 100 MiB, then streams 1 KiB pieces (each far below the WebSocket maxPayload).
        client.send(Buffer.concat([Buffer.from([0x30]), remainingLength(100 * 1024 * 1024)]));
        let sent = 0;
        while (!client.isClosed && sent < 2 * 1024 * 1024) {
          client.send(Buffer.alloc(1024, 0x62));
          sent += 1024;
          await tick(1);
        }
        await within(client.closed, 1_500);
        expect(sent).toBeLessThan(1024 * 1024);
        expect(await inbox.quietFor(20)).toEqual([]);
      });
    });

    describe('when a packet under the limit arrives in pieces', () => {
      it('passes, and the message is delivered', async () => {
        const client = await session(transport, `fine-${transport}`);
        const payload = Buffer.alloc(LIMIT - 100, 0x63);
        for (const piece of pieces(publishPacket(`plain/${transport}`, payload), 700)) {
          client.send(piece);
          await tick(1);
        }
        const message = await inbox.next(1_500);
        expect(message).toMatchObject({ topic: `plain/${transport}` });
        expect(String(message.payload)).toHaveLength(payload.length);
        expect(client.isClosed).toBe(false);
      });
    });
  });
});
