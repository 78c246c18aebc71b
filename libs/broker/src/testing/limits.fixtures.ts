import { connect, type Socket } from 'node:net';
import { generate, parser, type IPublishPacket, type Packet } from 'mqtt-packet';
import type { Registry } from 'prom-client';

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
      const socket = connect(Number(port), '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(packet: Packet): void {
    this.socket.write(generate(packet));
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

  async subscribe(topic: string, messageId = 1): Promise<void> {
    this.send({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 1 }] });
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
