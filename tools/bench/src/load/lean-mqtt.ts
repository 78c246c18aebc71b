import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { Credentials } from '../systems/system';

/**
 * The part of an MQTT client the request generator uses. MQTT.js' `MqttClient` has it too, so
 * the generator runs on either (`--generator`, tools/bench/README.md).
 */
export interface GeneratorClient {
  publish(topic: string, payload: string, options: { qos: 0 }): unknown;
  subscribeAsync(topic: string, options: { qos: 0 | 1 }): Promise<Array<{ qos: number }>>;
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  endAsync(force?: boolean): Promise<unknown>;
}

const CONNACK = 2;
const PUBLISH = 3;
const SUBACK = 9;

/** MQTT's variable-length "remaining length" (1–4 bytes, 7 bits each). */
function remainingLengthBytes(length: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}

/** A packet's fixed header: its first byte, then the remaining length of `body`. */
function fixedHeader(firstByte: number, body: Buffer): Buffer {
  return Buffer.from([firstByte, ...remainingLengthBytes(body.length)]);
}

/** A UTF-8 string with its 2-byte length, as MQTT encodes them. */
function mqttString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/**
 * A minimal MQTT 3.1.1 client for load generation, written for this suite: CONNECT (clean
 * session, keep-alive 600 s, username/password), SUBSCRIBE, PUBLISH at QoS 0, incoming PUBLISH at
 * QoS 0 and 1 (answered with PUBACK), DISCONNECT. TCP_NODELAY on, and the writes of one
 * event-loop turn leave in one `write`. No reconnect, no store, no QoS 1 publishing: what the
 * generator does not use it does not have, so that on a 2-core machine the generator takes less
 * of the CPU the system under test needs (docs/performance.md §3). A malformed packet from the
 * server is an error, reported and the connection closed.
 */
export class LeanMqttClient extends EventEmitter implements GeneratorClient {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private nextPacketId = 1;
  private readonly subacks = new Map<number, (granted: number[]) => void>();
  private connack: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private held = false;
  /** Set by {@link endAsync}: the close that follows is not an error. */
  private ending = false;

  private constructor(socket: Socket) {
    super();
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects and resolves once the server accepted the CONNECT. */
  static connect(
    url: string,
    clientId: string,
    credentials?: Credentials,
  ): Promise<LeanMqttClient> {
    const { hostname, port, protocol } = new URL(url);
    if (protocol !== 'mqtt:') throw new Error(`lean client: mqtt:// only, not ${url}`);
    const socket = connect({ host: hostname, port: Number(port), noDelay: true });
    const client = new LeanMqttClient(socket);
    return new Promise((resolve, reject) => {
      client.connack = { resolve: () => resolve(client), reject };
      socket.once('connect', () => client.send(0x10, connectBody(clientId, credentials)));
    });
  }

  publish(topic: string, payload: string, _options: { qos: 0 }): void {
    const body = Buffer.allocUnsafe(2 + Buffer.byteLength(topic) + Buffer.byteLength(payload));
    const topicLength = body.write(topic, 2, 'utf8');
    body.writeUInt16BE(topicLength, 0);
    body.write(payload, 2 + topicLength, 'utf8');
    this.send(PUBLISH << 4, body);
  }

  subscribeAsync(topic: string, options: { qos: 0 | 1 }): Promise<Array<{ qos: number }>> {
    const id = this.packetId();
    const body = Buffer.concat([
      Buffer.from([id >> 8, id & 0xff]),
      mqttString(topic),
      Buffer.from([options.qos]),
    ]);
    return new Promise((resolve) => {
      this.subacks.set(id, (granted) => resolve(granted.map((qos) => ({ qos }))));
      this.send(0x82, body);
    });
  }

  endAsync(_force?: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.ending = true;
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end(Buffer.from([0xe0, 0x00]));
    });
  }

  private packetId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = id === 0xffff ? 1 : id + 1;
    return id;
  }

  /**
   * A packet: header and body are two writes of the same turn, so they leave in one system call
   * without being copied into one buffer first.
   */
  private send(firstByte: number, body: Buffer): void {
    this.write(fixedHeader(firstByte, body));
    this.write(body);
  }

  /** Writes of one turn leave together (one system call), as the broker side does. */
  private write(data: Buffer): void {
    if (!this.held) {
      this.held = true;
      this.socket.cork();
      setImmediate(() => {
        this.held = false;
        if (!this.socket.destroyed) this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  private onData(chunk: Buffer): void {
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      for (;;) {
        const header = readFixedHeader(data);
        if (header === undefined || data.length < header.end) break;
        this.onPacket(data[0] as number, data.subarray(header.start, header.end));
        data = data.subarray(header.end);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.buffered = data;
  }

  private onPacket(firstByte: number, body: Buffer): void {
    const type = firstByte >> 4;
    if (type === PUBLISH) {
      const qos = (firstByte >> 1) & 0x03;
      const topicLength = body.readUInt16BE(0);
      const topic = body.toString('utf8', 2, 2 + topicLength);
      let offset = 2 + topicLength;
      if (qos > 0) {
        this.write(Buffer.from([0x40, 0x02, body[offset] as number, body[offset + 1] as number]));
        offset += 2;
      }
      this.emit('message', topic, body.subarray(offset));
    } else if (type === CONNACK) {
      const code = body[1];
      const waiting = this.connack;
      this.connack = undefined;
      if (code === 0) waiting?.resolve();
      else waiting?.reject(new Error(`CONNACK return code ${String(code)}`));
    } else if (type === SUBACK) {
      const id = body.readUInt16BE(0);
      this.subacks.get(id)?.([...body.subarray(2)]);
      this.subacks.delete(id);
    }
  }

  private fail(error: Error): void {
    if (this.connack) {
      this.connack.reject(error);
      this.connack = undefined;
    } else if (!this.ending && this.listenerCount('error') > 0) {
      this.ending = true; // one report per connection
      this.emit('error', error);
    }
    this.socket.destroy();
  }
}

/** Where a complete packet's body starts and ends in `data`, or undefined while incomplete. */
function readFixedHeader(data: Buffer): { start: number; end: number } | undefined {
  let length = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4; i += 1) {
    if (i >= data.length) return undefined;
    const byte = data[i] as number;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { start: i + 1, end: i + 1 + length };
    multiplier *= 128;
  }
  throw new Error('malformed remaining length');
}

/** CONNECT's variable header and payload. */
function connectBody(clientId: string, credentials?: Credentials): Buffer {
  const flags = 0x02 | (credentials ? 0xc0 : 0); // clean session, username and password
  const parts = [
    mqttString('MQTT'),
    Buffer.from([4, flags, 600 >> 8, 600 & 0xff]), // protocol level 4 (3.1.1), keep-alive 600 s
    mqttString(clientId),
  ];
  if (credentials) parts.push(mqttString(credentials.username), mqttString(credentials.password));
  return Buffer.concat(parts);
}
