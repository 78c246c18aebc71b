import type { Writable } from 'node:stream';
import type { Redis } from 'ioredis';

const COALESCING = Symbol('dh-mqtt.coalescing');

/**
 * Writes made to `stream` during one pass of the event loop (a socket event and the promise
 * continuations it runs) leave together as one `writev` at the end of that pass, in the order
 * they were made. A broker pod issues each Redis command as its own write: the cross-pod claim,
 * the fabric PUBLISH and the done mark of every event, each one syscall and, with TCP_NODELAY,
 * one packet; their CPU was a quarter of a busy broker pod's (docs/performance.md §5). This is
 * Node's documented `cork()` then `uncork()` on the next tick, applied to every write; nothing
 * waits longer than the current pass. Idempotent.
 */
export function coalesceWrites(stream: Writable): void {
  const marked = stream as Writable & { [COALESCING]?: true };
  if (marked[COALESCING]) return;
  marked[COALESCING] = true;
  const write = stream.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: Writable, ...args: Parameters<Writable['write']>): boolean {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Writable['write'];
}

/**
 * {@link coalesceWrites} on every socket `redis` connects with (the first and each reconnect): the
 * hook runs on ioredis' `connect`, before anything is written to the new socket. Order on the
 * connection is unchanged (unlike ioredis' auto-pipelining, which holds commands behind the
 * pipeline in flight while a MULTI goes straight out).
 */
export function coalesceRedisWrites(redis: Redis): void {
  redis.on('connect', () => {
    if (redis.stream) coalesceWrites(redis.stream);
  });
}
