import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

/** One message a connection received, in arrival order. */
export interface AclMessage {
  topic: string;
  text: string;
  /** JSON parse of the payload when it is an object, else null. */
  body: Record<string, unknown> | null;
}

type Reply = Record<string, unknown>;

/**
 * An MQTT connection of the ACL proof that keeps everything it receives (the evidence) and can
 * send requests and native publishes, waiting for their replies (docs/topics/request.md,
 * docs/topics/notification.md). Never reconnects: a drop must be seen, not papered over.
 */
export class AclConnection {
  readonly received: AclMessage[] = [];
  private readonly waiters: Array<{ accept: (m: AclMessage) => boolean; resolve: () => void }> = [];
  private closedReason: string | null = null;

  private constructor(
    readonly client: MqttClient,
    readonly clientId: string,
  ) {
    client.on('message', (topic, payload) => {
      const text = payload.toString('utf8');
      const message = { topic, text, body: parseObject(text) };
      this.received.push(message);
      for (const waiter of [...this.waiters]) if (waiter.accept(message)) waiter.resolve();
    });
    client.on('close', () => {
      this.closedReason ??= 'connection closed';
      for (const waiter of [...this.waiters]) waiter.resolve();
    });
  }

  static async open(
    url: string,
    clientId: string,
    credentials?: { username: string; password: string },
  ): Promise<AclConnection> {
    const options: IClientOptions = {
      clientId,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...credentials,
    };
    return new AclConnection(await connectAsync(url, options), clientId);
  }

  /** The QoS the broker granted, or 128 when it refused the filter (SUBACK 0x80). */
  async subscribe(filter: string): Promise<number> {
    try {
      const granted = await this.client.subscribeAsync(filter, { qos: 1 });
      return granted[0]?.qos ?? 128;
    } catch (err) {
      const first = (err as { packet?: { granted?: Array<number | { qos: number }> } }).packet
        ?.granted?.[0];
      if (first === undefined) throw err;
      return typeof first === 'number' ? first : first.qos;
    }
  }

  /** Publishes a request with that `requestId` and resolves with its reply. */
  async ask(body: Reply, requestId: string, timeoutMs = 10_000): Promise<Reply> {
    const isReply = (m: AclMessage) =>
      m.topic.startsWith('dh/response/') && m.body?.['requestId'] === requestId;
    return this.publishAndAwait(
      'dh/request',
      JSON.stringify({ ...body, requestId }),
      isReply,
      timeoutMs,
    );
  }

  /**
   * Publishes to a native event topic (docs/topics/notification.md) and resolves with the next
   * reply on `dh/response/{action}@{clientId}` (`requestId: null`). One at a time per connection.
   */
  async publishNative(topic: string, payload: object, action: string): Promise<Reply> {
    const replyTopic = `dh/response/${action}@${this.clientId}`;
    const before = this.received.filter((m) => m.topic === replyTopic).length;
    let seen = before;
    const isReply = (m: AclMessage) => m.topic === replyTopic && ++seen > before;
    return this.publishAndAwait(topic, JSON.stringify(payload), isReply, 10_000);
  }

  private async publishAndAwait(
    topic: string,
    payload: string,
    accept: (m: AclMessage) => boolean,
    timeoutMs: number,
  ): Promise<Reply> {
    let found: AclMessage | undefined;
    const arrived = new Promise<void>((resolve) => {
      const waiter = {
        accept: (m: AclMessage) => {
          if (!accept(m)) return false;
          found = m;
          return true;
        },
        resolve: () => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await this.client.publishAsync(topic, payload, { qos: 1 });
    await Promise.race([arrived, timeout]);
    clearTimeout(timer);
    if (found?.body) return found.body;
    throw new Error(
      `${this.clientId}: no reply to ${payload.slice(0, 120)} on ${topic}` +
        (this.closedReason ? ` (${this.closedReason})` : ` within ${timeoutMs} ms`),
    );
  }

  /** Whether the broker dropped the connection. */
  get dropped(): boolean {
    return this.closedReason !== null;
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
