import { Transform, type Duplex, type TransformCallback } from 'node:stream';

/**
 * Follows the MQTT fixed headers of an inbound byte stream, chunk by chunk, and reports the first
 * packet that declares more than `maxBytes` in total (docs/reliability.md): before its body is
 * buffered, before CONNECT too. The work per chunk is a few header bytes, not a parse.
 */
export class PacketHeaderScanner {
  /** Bytes of the current packet body still to pass; -1 while reading a fixed header. */
  private remaining = -1;
  private headerBytes = 0;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly maxBytes: number) {}

  /** Scans the next chunk; returns why the stream must be closed, or null when it may pass. */
  scan(chunk: Uint8Array): string | null {
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
        if (this.headerBytes > 4) return 'malformed remaining length';
        continue;
      }
      if (this.headerBytes + this.length > this.maxBytes) {
        return `packet of ${this.headerBytes + this.length} bytes over the limit`;
      }
      this.remaining = this.length === 0 ? -1 : this.length;
      this.headerBytes = 0;
      this.length = 0;
      this.multiplier = 1;
    }
    return null;
  }
}

/**
 * {@link PacketHeaderScanner} as a pass-through stream: bytes pass unchanged, a packet over the
 * limit fails the stream. For byte streams that are not sockets; sockets use
 * {@link guardPacketSize}, which adds no stream of its own.
 */
export class PacketSizeGuard extends Transform {
  private readonly scanner: PacketHeaderScanner;

  constructor(maxBytes: number) {
    super();
    this.scanner = new PacketHeaderScanner(maxBytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const problem = this.scanner.scan(chunk);
    if (problem) return done(new Error(problem));
    done(null, chunk);
  }
}

/**
 * Puts the packet size limit on the socket itself: every chunk aedes (or anyone) reads from it is
 * scanned first; a packet over the limit destroys the socket with the scanner's message, so aedes
 * reports it as a connection error and the parser never sees the chunk. Returns the same socket:
 * no stream in between, so aedes' corked writes still leave as one `writev` per tick (a wrapping
 * `Duplex` costs a `write` syscall per packet fragment with `noDelay` on — docs/performance.md).
 */
export function guardPacketSize<T extends Duplex>(socket: T, maxBytes: number): T {
  const scanner = new PacketHeaderScanner(maxBytes);
  const read = socket.read;
  socket.read = function guardedRead(this: T, size?: number) {
    const chunk: unknown = read.call(this, size);
    if (!(chunk instanceof Uint8Array)) return chunk;
    const problem = scanner.scan(chunk);
    if (problem === null) return chunk;
    socket.destroy(new Error(problem));
    return null;
  };
  return socket;
}
