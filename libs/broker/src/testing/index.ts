import { adminPrincipal } from '@dh-mqtt/protocol/testing';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { AddressInfo, Server, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  BUS_SCHEMA_VERSION,
  type BrokerBus,
  type EventHandler,
  type ReplyEnvelope,
  type RequestEnvelope,
} from '@dh-mqtt/bus';
import { successReply, type DeviceEvent, type Principal } from '@dh-mqtt/protocol';
import { silentLogger } from '@dh-mqtt/runtime';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { createBroker, type BrokerDeps, type DhBroker } from '../broker';
import type { BrokerSettings } from '../broker-context';
import { createTcpServer, type TcpServerOptions } from '../transport/tcp-server';

/** Settings for tests: short timeouts, small limits. */
export const TEST_SETTINGS: BrokerSettings = Object.freeze({
  maxRequestSize: 4096,
  maxClientIdLength: 128,
  maxPendingRequests: 100,
  requestTimeoutMs: 2_000,
  connectTimeoutMs: 2_000,
});

/**
 * A BrokerBus whose gateway is a function: by default it answers every request with a success
 * echoing `{ echo: request }`. Records the envelopes it saw.
 */
export class FakeBrokerBus implements BrokerBus {
  readonly requests: RequestEnvelope[] = [];
  readonly eventHandlers: EventHandler[] = [];
  handler: (envelope: RequestEnvelope) => Promise<ReplyEnvelope> = async (envelope) =>
    replyTo(envelope, { echo: envelope.request });

  async request(envelope: RequestEnvelope): Promise<ReplyEnvelope> {
    this.requests.push(structuredClone(envelope));
    return this.handler(envelope);
  }

  onEvent(handler: EventHandler): void {
    this.eventHandlers.push(handler);
  }

  /** Hands an event to the brokers' handlers as the bus would; resolves once they ran. */
  async emit(event: DeviceEvent): Promise<void> {
    for (const handler of this.eventHandlers) await handler(structuredClone(event));
  }

  state: 'new' | 'started' | 'closed' = 'new';

  async start(): Promise<void> {
    this.state = 'started';
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }
}

/** A success reply envelope to `envelope` with `body`. */
export function replyTo(
  envelope: RequestEnvelope,
  body: Record<string, unknown> = {},
): ReplyEnvelope {
  return {
    v: BUS_SCHEMA_VERSION,
    id: envelope.id,
    clientId: envelope.clientId,
    brokerId: envelope.brokerId,
    reply: successReply(envelope.request.action, envelope.request.requestId, body),
  };
}

/** A principal: an admin with every permission and no scope limit, unless overridden. */
export const buildPrincipal = adminPrincipal;

/**
 * Makes `bus` log users in by login (CONNECT username; any password): `token` answers an access
 * token equal to the login, `authenticate` installs `principals[login]`; an unknown login is
 * refused with 401. Other requests go to `next` (default: the echo handler).
 */
export function acceptLogins(
  bus: FakeBrokerBus,
  principals: ReadonlyMap<string, Principal>,
  next: FakeBrokerBus['handler'] = bus.handler,
): void {
  bus.handler = async (envelope) => {
    const { action } = envelope.request;
    const login = String(envelope.request[action === 'token' ? 'login' : 'token'] ?? '');
    const principal = principals.get(login);
    if (action !== 'token' && action !== 'authenticate') return next(envelope);
    if (!principal) {
      return {
        ...replyTo(envelope),
        reply: {
          action,
          requestId: null,
          code: 401,
          status: 'error',
          error: 'Invalid credentials',
        },
      };
    }
    return action === 'token'
      ? replyTo(envelope, { accessToken: login, refreshToken: login })
      : { ...replyTo(envelope), effect: { kind: 'authenticate', principal } };
  };
}

export interface TestBroker {
  broker: DhBroker;
  bus: FakeBrokerBus;
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  /** Connects an MQTT.js client (no reconnects) that `close()` ends. */
  connect(clientId: string, options?: IClientOptions): Promise<MqttClient>;
  close(): Promise<void>;
}

/** A broker on a fake bus, listening on a free TCP port of 127.0.0.1. */
export async function startTestBroker(
  settings: Partial<BrokerSettings> = {},
  transport: TcpServerOptions = { maxPacketSize: 1_048_576 },
  deps: Partial<Pick<BrokerDeps, 'metrics' | 'logger'>> = {},
): Promise<TestBroker> {
  const bus = new FakeBrokerBus();
  const broker = await createBroker({
    logger: silentLogger(),
    ...deps,
    bus,
    config: { ...TEST_SETTINGS, ...settings },
  });
  // Metered as the product's listeners are (`dh_mqtt_connections{listener="tcp"}`).
  const server = createTcpServer(
    {
      handle: (conn, req) => {
        broker.metrics.opened('tcp', conn as Socket);
        return broker.handle(conn, req);
      },
    },
    transport,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: MqttClient[] = [];
  return {
    broker,
    bus,
    url,
    async connect(clientId, options = {}) {
      const client = await connectMqtt(url, clientId, options);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      await broker.close();
      await closeTcp(server);
    },
  };
}

/** An MQTT.js client without reconnects (tests must see refusals, not retries). */
export function connectMqtt(
  url: string,
  clientId: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A received publish, payload parsed as JSON when it is JSON. */
export interface Received {
  topic: string;
  payload: unknown;
  qos: number;
}

/** Collects every message a client receives; `next()` waits for the next unread one. */
export class Inbox {
  readonly messages: Received[] = [];
  private read = 0;
  private waiter: (() => void) | undefined;

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let parsed: unknown = payload.toString();
      try {
        parsed = JSON.parse(parsed as string);
      } catch {
        // not JSON: keep the text
      }
      this.messages.push({ topic, payload: parsed, qos: packet.qos });
      this.waiter?.();
    });
  }

  /** The next unread message; rejects after `withinMs`. */
  async next(withinMs = 3_000): Promise<Received> {
    const until = Date.now() + withinMs;
    while (this.read >= this.messages.length) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`no message within ${withinMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.messages[this.read++];
  }

  /** Waits `ms` and returns what arrived meanwhile (for "nothing arrives" assertions). */
  async quietFor(ms: number): Promise<Received[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.messages.slice(this.read);
  }
}

/**
 * Subscribes and resolves with the QoS the broker granted, 128 for a refusal (MQTT.js rejects
 * refused subscriptions; this reads the SUBACK either way).
 */
export async function grantedQos(
  client: MqttClient,
  topic: string,
  qos: 0 | 1 = 1,
): Promise<number> {
  try {
    const granted = await client.subscribeAsync(topic, { qos });
    return granted[0]?.qos ?? -1;
  } catch (err) {
    const suback = (err as { packet?: { granted?: Array<number | { qos: number }> } }).packet;
    const first = suback?.granted?.[0];
    if (first === undefined) throw err;
    return typeof first === 'number' ? first : first.qos;
  }
}

export { sessionClockContract } from './session-clock.contract';

/** A self-signed certificate for 127.0.0.1 (its own CA), made with openssl in `dir`. */
export function selfSignedCertificate(dir: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}

/** The SHA-256 fingerprint of the leaf certificate a new TLS handshake on `port` is served. */
export function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** `promise`, or a rejection once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
