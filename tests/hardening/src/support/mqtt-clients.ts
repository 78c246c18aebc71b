import { randomUUID } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** The bootstrap administrator of a fresh database (docs/api/README.md). */
/** A reply as a JSON object. */
export type Reply = Record<string, unknown>;

/**
 * Subscribes to the action's own response topic, sends one request (docs/topics/request.md) and
 * resolves with its reply; rejects when none comes within `timeoutMs`.
 */
export async function ask(
  client: MqttClient,
  request: Reply & { action: string },
  timeoutMs = 10_000,
): Promise<Reply> {
  const clientId = client.options.clientId ?? '';
  const requestId = `${request.action}-${Math.random()}`;
  await client.subscribeAsync(`dh/response/${request.action}@${clientId}`, { qos: 1 });
  const reply = new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${request.action}`)), timeoutMs);
    const onMessage = (_topic: string, payload: Buffer) => {
      const body = JSON.parse(payload.toString('utf8')) as Reply;
      if (body['requestId'] !== requestId) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(body);
    };
    client.on('message', onMessage);
  });
  await client.publishAsync('dh/request', JSON.stringify({ ...request, requestId }), { qos: 1 });
  return reply;
}

export const BOOTSTRAP_ADMIN = { username: 'dhadmin', password: 'dhadmin_#911' } as const;

/** An MQTT.js client that never reconnects: a refusal or a drop must be seen, not retried. */
export function connectClient(
  url: string,
  clientId: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  return connectAsync(url, { clientId, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
}

/** One message seen on a `dh/response/...` topic. */
export interface ReceivedReply {
  topic: string;
  /** The payload as text; `body` is its JSON parse (null when it is not JSON). */
  text: string;
  body: Record<string, unknown> | null;
}

/**
 * A client subscribed to `dh/response/#` that sends batches of raw `dh/request` payloads and
 * collects what comes back. Each batch ends with a sentinel `server/info`: requests of one client
 * are answered in order (docs/topics/request.md), so the replies before the sentinel's are the
 * batch's.
 */
export class ReplyCollector {
  private readonly received: ReceivedReply[] = [];
  private onReply: (() => void) | undefined;
  private dropped: Error | undefined;

  private constructor(
    readonly client: MqttClient,
    readonly clientId: string,
  ) {
    client.on('message', (topic, payload) => {
      if (!topic.startsWith('dh/response/')) return; // pushes of request-made subscriptions
      const text = payload.toString('utf8');
      this.received.push({ topic, text, body: parseObject(text) });
      this.onReply?.();
    });
    client.on('close', () => {
      this.dropped ??= new Error(`${clientId} was disconnected by the broker`);
      this.onReply?.();
    });
  }

  static async connect(url: string, clientId: string, options: IClientOptions = {}) {
    const client = await connectClient(url, clientId, options);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    return new ReplyCollector(client, clientId);
  }

  /** Publishes `payloads` in order and resolves with every reply that precedes the sentinel's. */
  async exchange(payloads: readonly Buffer[], timeoutMs = 30_000): Promise<ReceivedReply[]> {
    const sentinel = `sentinel-${randomUUID()}`;
    for (const payload of payloads) this.client.publish('dh/request', payload, { qos: 0 });
    this.client.publish(
      'dh/request',
      JSON.stringify({ action: 'server/info', requestId: sentinel }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.received.findIndex((reply) => reply.body?.['requestId'] === sentinel);
      if (at >= 0) return this.received.splice(0, at + 1).slice(0, at);
      if (this.dropped) throw this.dropped;
      if (Date.now() > deadline) {
        throw new Error(`no sentinel reply within ${timeoutMs} ms; got ${this.received.length}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.onReply = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Replies that arrived after the last sentinel (a late duplicate would show up here). */
  leftovers(): ReceivedReply[] {
    return [...this.received];
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

/** Latency figures of a {@link Bystander}. */
export interface BystanderReport {
  sent: number;
  answered: number;
  maxLatencyMs: number;
}

/**
 * An anonymous client asking `server/info` every `periodMs` while others attack the broker: its
 * answers show whether one hostile client can starve everybody else.
 */
export class Bystander {
  private readonly sentAt = new Map<number, number>();
  private readonly latencies: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private next = 0;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (_topic, payload) => {
      const requestId = parseObject(payload.toString('utf8'))?.['requestId'];
      const sent = typeof requestId === 'number' ? this.sentAt.get(requestId) : undefined;
      if (sent !== undefined) this.latencies.push(Date.now() - sent);
    });
  }

  static async start(url: string, clientId: string, periodMs = 100): Promise<Bystander> {
    const client = await connectClient(url, clientId);
    await client.subscribeAsync(`dh/response/server/info@${clientId}`, { qos: 1 });
    const bystander = new Bystander(client);
    bystander.timer = setInterval(() => bystander.ask(), periodMs);
    return bystander;
  }

  private ask(): void {
    const requestId = ++this.next;
    this.sentAt.set(requestId, Date.now());
    this.client.publish('dh/request', JSON.stringify({ action: 'server/info', requestId }), {
      qos: 1,
    });
  }

  /** Stops asking, gives the last question `graceMs` to be answered, disconnects. */
  async stop(graceMs = 2_000): Promise<BystanderReport> {
    clearInterval(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.latencies.length < this.sentAt.size && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.client.endAsync(true);
    return {
      sent: this.sentAt.size,
      answered: this.latencies.length,
      maxLatencyMs: Math.max(0, ...this.latencies),
    };
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
