import type { Writable } from 'node:stream';

const COALESCING = Symbol('dh-mqtt.coalescing');

/**
 * When held writes leave: `'next-tick'`, after the promise continuations of the current pass
 * (a Redis connection: a command waits for nothing else); `'end-of-turn'`, at `setImmediate`,
 * after every tick of the current event-loop turn (a client connection: a batch of pushes to one
 * subscriber, or a reply beside its PUBACK, is written over several ticks of one turn).
 */
export type FlushPoint = 'next-tick' | 'end-of-turn';

/**
 * Writes made to `stream` until `flushAt` leave together as one `writev`, in the order they were
 * made: one system call and, with TCP_NODELAY, one packet (one TLS record), where each write
 * would have been its own. This is Node's documented `cork()`, then `uncork()` at the flush
 * point, armed by the first write: a quiet stream costs nothing. Back-pressure is kept (`write()`
 * still answers `false` past the high-water mark and `drain` follows the flush), `end()` flushes
 * what is held, and a stream destroyed meanwhile is left alone. Idempotent.
 * docs/performance.md §3 and §5.
 */
export function coalesceWrites<T extends Writable>(
  stream: T,
  flushAt: FlushPoint = 'next-tick',
): T {
  const marked = stream as T & { [COALESCING]?: true };
  if (marked[COALESCING]) return stream;
  marked[COALESCING] = true;
  const write = stream.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    if (!stream.destroyed && stream.writableCorked > 0) stream.uncork();
  };
  const arm = flushAt === 'end-of-turn' ? setImmediate : process.nextTick;
  stream.write = function (this: T, ...args: Parameters<Writable['write']>): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      arm(uncork);
    }
    return write.apply(this, args);
  } as T['write'];
  return stream;
}
