import { connect, type Socket } from 'node:net';
import { generate, parser, type IPublishPacket, type Packet } from 'mqtt-packet';
import type { Registry } from 'prom-client';

/** The value of an unlabelled metric of `registry` (0 when it has none yet). */
export async function metricValue(registry: Registry, name: string): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values[0]?.value ?? 0;
}

/** `dh_broker_limit_hits_total{limit}` as read from `registry`. */
export async function limitHits(registry: Registry, limit: string): Promise<number> {
  const metric = registry.getSingleMetric('dh_broker_limit_hits_total');
  const values = (await metric?.get())?.values ?? [];
  return values.find((value) => value.labels['limit'] === limit)?.value ?? 0;
}

/**
 * A hand-driven MQTT 3.1.1 client: it acknowledges nothing unless told, so tests can hold
 * PUBACKs back (MQTT.js stops reading while an ack is withheld).
 */
export class RawClient {
  readonly packets: Packet[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    const decoder = parser({ protocolVersion: 4 });
    decoder.on('packet', (packet) => this.packets.push(packet));
    socket.on('data', (chunk) => decoder.parse(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Opens a socket to `url`; resolves once TCP is connected. */
  static open(url: string): Promise<RawClient> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      // Nagle off, as the broker has it: a write must not wait for the ACK of the last one.
      const socket = connect({ port: Number(port), host: '127.0.0.1', noDelay: true });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(packet: Packet): void {
    this.socket.write(generate(packet));
  }

  /** One `dh/request` at QoS 0 per body, all in one write. */
  requests(bodies: readonly object[]): void {
    const packets = bodies.map((body) =>
      generate({
        cmd: 'publish',
        topic: 'dh/request',
        payload: Buffer.from(JSON.stringify(body)),
        qos: 0,
        retain: false,
        dup: false,
      }),
    );
    this.socket.write(Buffer.concat(packets));
  }

  /** CONNECT and wait for CONNACK 0. */
  async connect(clientId: string, clean = true): Promise<void> {
    this.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId,
      clean,
      keepalive: 60,
    });
    await this.waitFor((p) => p.cmd === 'connack');
  }

  async subscribe(topic: string, messageId = 1, qos: 0 | 1 = 1): Promise<void> {
    this.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] });
    await this.waitFor((p) => p.cmd === 'suback' && p.messageId === messageId);
  }

  publishes(): IPublishPacket[] {
    return this.packets.filter((p): p is IPublishPacket => p.cmd === 'publish');
  }

  puback(messageId: number): void {
    this.send({ cmd: 'puback', messageId });
  }

  async waitFor(test: (packet: Packet) => boolean, withinMs = 3_000): Promise<Packet> {
    for (const until = Date.now() + withinMs; ;) {
      const found = this.packets.find(test);
      if (found) return found;
      if (Date.now() > until) throw new Error('packet not received in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
