import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { ADMIN } from './cluster';

/** A reply as the client saw it. */
export interface SeenReply {
  topic: string;
  body: Record<string, unknown>;
  at: number;
}

/** A push (`dh/notification/...`, `dh/command/...`) as the client saw it. */
export interface SeenPush {
  topic: string;
  body: Record<string, unknown>;
  /** MQTT DUP flag: a QoS 1 retransmission of a packet not acknowledged before a reconnect. */
  dup: boolean;
}

let nextRequestId = 1;

/**
 * A DeviceHive MQTT client logged in as the bootstrap admin: it subscribes to its replies, sends
 * requests with unique `requestId`s and records every reply (duplicates included) and push.
 */
export class DhClient {
  /** Every reply by requestId, in arrival order (more than one = a duplicate). */
  readonly replies = new Map<string, SeenReply[]>();
  readonly pushes: SeenPush[] = [];
  private readonly waiters = new Map<string, (reply: SeenReply) => void>();

  private constructor(
    readonly mqtt: MqttClient,
    readonly clientId: string,
  ) {
    mqtt.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet.dup));
  }

  /**
   * Connects (listeners attached before CONNACK, so a resumed session's queue is not missed) and
   * subscribes to `dh/response/#` unless `subscribeReplies` is false.
   */
  static async connect(
    url: string,
    clientId: string,
    options: IClientOptions & { subscribeReplies?: boolean } = {},
  ): Promise<DhClient> {
    const { subscribeReplies = true, ...mqttOptions } = options;
    const mqtt = connect(url, {
      clientId,
      username: ADMIN.username,
      password: ADMIN.password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...mqttOptions,
    });
    const client = new DhClient(mqtt, clientId);
    await new Promise<void>((resolve, reject) => {
      mqtt.once('connect', () => resolve());
      mqtt.once('error', (err) => {
        mqtt.end(true);
        reject(err);
      });
    });
    if (subscribeReplies) await mqtt.subscribeAsync('dh/response/#', { qos: 1 });
    return client;
  }

  /** Sends a request and resolves with its first reply, or rejects after `timeoutMs`. */
  request(
    action: string,
    body: Record<string, unknown> = {},
    timeoutMs = 15_000,
  ): Promise<SeenReply> {
    const requestId = `${this.clientId}-${nextRequestId++}`;
    return new Promise<SeenReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(requestId);
        reject(new Error(`no reply to ${action} ${requestId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(requestId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.mqtt
        .publishAsync('dh/request', JSON.stringify({ action, requestId, ...body }), { qos: 1 })
        .catch((err: Error) => {
          clearTimeout(timer);
          this.waiters.delete(requestId);
          reject(err);
        });
    });
  }

  /**
   * Pushes whose `parameters.seq` (notifications) is set, as `[publisher, seq]` pairs; without
   * the DUP-flagged retransmissions unless `withRetransmissions`.
   */
  sequences(withRetransmissions = false): Array<[string, number]> {
    return this.pushes.flatMap((push) => {
      if (push.dup && !withRetransmissions) return [];
      const notification = push.body['notification'] as
        { parameters?: { from?: string; seq?: number } } | undefined;
      const p = notification?.parameters;
      return p?.from !== undefined && p.seq !== undefined ? [[p.from, p.seq]] : [];
    });
  }

  async end(): Promise<void> {
    await this.mqtt.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer, dup: boolean): void {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(payload.toString()) as Record<string, unknown>;
    } catch {
      return;
    }
    if (topic.startsWith('dh/response/')) {
      const reply = { topic, body, at: Date.now() };
      const requestId = String(body['requestId']);
      const seen = this.replies.get(requestId) ?? [];
      seen.push(reply);
      this.replies.set(requestId, seen);
      const waiter = this.waiters.get(requestId);
      this.waiters.delete(requestId);
      waiter?.(reply);
    } else {
      this.pushes.push({ topic, body, dup });
    }
  }
}

/** Polls `check` every 100 ms until it returns true; throws `message` after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  timeoutMs: number,
  message: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `DhClient.connect` for one describe block: every client it connected is ended after each test.
 * Call it before the block's own `afterEach` (hooks run in declaration order), so the clients end
 * before the cluster closes.
 */
export function connectedPerTest(): (
  ...args: Parameters<typeof DhClient.connect>
) => Promise<DhClient> {
  let clients: DhClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.map((client) => client.end()));
    clients = [];
  });
  return async (...args) => {
    const client = await DhClient.connect(...args);
    clients.push(client);
    return client;
  };
}
