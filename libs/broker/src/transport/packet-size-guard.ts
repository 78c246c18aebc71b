import { Duplex, Transform, type TransformCallback } from 'node:stream';

/**
 * Watches the MQTT fixed headers of an inbound byte stream and fails as soon as a packet declares
 * more than `maxBytes` in total (mqtt-api.md §7): before its body is buffered, before CONNECT too.
 * Bytes pass through unchanged; the work per chunk is a few header bytes, not a parse.
 */
export class PacketSizeGuard extends Transform {
  /** Bytes of the current packet body still to pass; -1 while reading a fixed header. */
  private remaining = -1;
  private headerBytes = 0;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - i);
        this.remaining -= skip;
        i += skip;
        if (this.remaining === 0) this.remaining = -1;
        continue;
      }
      const byte = chunk[i++];
      this.headerBytes++;
      if (this.headerBytes === 1) continue; // packet type and flags
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      if (byte & 0x80) {
        // MQTT-2.2.3: at most four bytes of remaining length
        if (this.headerBytes > 4) return done(new Error('malformed remaining length'));
        continue;
      }
      if (this.headerBytes + this.length > this.maxBytes) {
        return done(new Error(`packet of ${this.headerBytes + this.length} bytes over the limit`));
      }
      this.remaining = this.length === 0 ? -1 : this.length;
      this.headerBytes = 0;
      this.length = 0;
      this.multiplier = 1;
    }
    done(null, chunk);
  }
}

/**
 * The connection aedes reads: the socket's bytes through a {@link PacketSizeGuard}, writes
 * straight to the socket. A packet over the limit destroys the socket.
 */
export function guardPacketSize(socket: Duplex, maxBytes: number): Duplex {
  const guard = new PacketSizeGuard(maxBytes);
  socket.pipe(guard);
  const conn = Duplex.from({ readable: guard, writable: socket });
  // DH_CONNECT_RATE_PER_IP limits by the peer address: keep it on the stream aedes gets.
  (conn as Duplex & { remoteAddress?: string }).remoteAddress = (
    socket as Duplex & { remoteAddress?: string }
  ).remoteAddress;
  guard.on('error', (err) => {
    socket.destroy();
    conn.destroy(err);
  });
  socket.on('error', (err) => conn.destroy(err));
  socket.on('close', () => conn.destroy());
  return conn;
}
