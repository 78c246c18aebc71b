import type { Writable } from 'node:stream';

/**
 * Holds a connection's writes until the end of the event-loop turn, so that every packet written
 * to one client in a turn leaves in one `writev` (one TCP segment on loopback, one TLS record)
 * instead of one system call per packet. mqtt-packet already corks each packet until the next
 * tick; this extends the hold to `setImmediate`, which is where a batch of pushes to the same
 * subscriber, or a reply beside its PUBACK, are written by several ticks of one turn.
 *
 * What it keeps: order (the stream's own buffer), back-pressure (`write()` still answers `false`
 * past the high-water mark, and `drain` follows the flush), `end()` (it flushes a corked stream).
 * The first write of a turn arms one `setImmediate`; a quiet connection costs nothing.
 * docs/performance.md §3, "Writes held to the end of the turn".
 */
export function corkPerTurn<T extends Writable>(stream: T): T {
  let held = false;
  const release = () => {
    held = false;
    if (!stream.destroyed && stream.writableCorked > 0) stream.uncork();
  };
  const write = stream.write;
  stream.write = function heldWrite(this: T, ...args: unknown[]) {
    if (!held) {
      held = true;
      stream.cork();
      setImmediate(release);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as T['write'];
  return stream;
}
