import { connect } from 'node:net';
import { parser, type Packet } from 'mqtt-packet';

/** Where the fuzzer aims. */
export interface FuzzTarget {
  host: string;
  port: number;
}

/** What one raw connection saw. */
export interface RawOutcome {
  /** The server ended or reset the connection before we gave up waiting. */
  closedByServer: boolean;
  /** Bytes we managed to write before the server closed (or in total). */
  bytesWritten: number;
  /** Packets the server sent, decoded (a CONNACK's returnCode tells a refusal). */
  packets: Packet[];
}

export interface RawExchange {
  /** Written in order, as fast as the socket accepts them. */
  chunks: readonly Buffer[];
  /** After the chunks, keep writing `trickle` every `trickleEveryMs` until the server closes. */
  trickle?: { chunk: Buffer; everyMs: number; maxBytes: number };
  /** How long to wait for the server after writing (ms). */
  waitMs: number;
  /** Stop waiting as soon as the server sends a CONNACK (for handshake-only probes). */
  untilConnack?: boolean;
}

/**
 * Opens a TCP connection, writes raw bytes, and reports what the server did. Never throws for
 * what the server does (reset, close): that is the observation. Always destroys its socket.
 */
export function rawExchange(target: FuzzTarget, exchange: RawExchange): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const decoder = parser({ protocolVersion: 4 });
    const outcome: RawOutcome = { closedByServer: false, bytesWritten: 0, packets: [] };
    let finished = false;
    let trickleTimer: NodeJS.Timeout | undefined;
    decoder.on('packet', (packet: Packet) => {
      outcome.packets.push(packet);
      if (exchange.untilConnack && packet.cmd === 'connack') finish();
    });
    decoder.on('error', () => undefined);
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => decoder.parse(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      outcome.closedByServer = !finished;
      finish();
    });
    const waitTimer = setTimeout(finish, exchange.waitMs);

    socket.on('connect', () => {
      for (const chunk of exchange.chunks) write(chunk);
      const { trickle } = exchange;
      if (!trickle) return;
      trickleTimer = setInterval(() => {
        if (outcome.bytesWritten >= trickle.maxBytes) clearInterval(trickleTimer);
        else write(trickle.chunk);
      }, trickle.everyMs);
    });

    function write(chunk: Buffer) {
      if (socket.destroyed || chunk.length === 0) return;
      socket.write(chunk);
      outcome.bytesWritten += chunk.length;
    }

    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(waitTimer);
      clearInterval(trickleTimer);
      socket.destroy();
      resolve(outcome);
    }
  });
}

/** Returns the CONNACK return code the server sent, or null if it sent none. */
export function connackCode(outcome: RawOutcome): number | null {
  const connack = outcome.packets.find((packet) => packet.cmd === 'connack');
  return connack && 'returnCode' in connack ? (connack.returnCode ?? null) : null;
}

/** Replaces the first occurrence of an ASCII placeholder with bytes of the same length. */
export function splice(packet: Buffer, placeholder: string, bytes: readonly number[]): Buffer {
  if (bytes.length !== placeholder.length) throw new RangeError('length must not change');
  const at = packet.indexOf(placeholder, 0, 'latin1');
  if (at < 0) throw new RangeError(`placeholder ${placeholder} not found`);
  const out = Buffer.from(packet);
  Buffer.from(bytes).copy(out, at);
  return out;
}
