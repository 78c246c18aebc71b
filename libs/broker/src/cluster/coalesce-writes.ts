import type { Redis } from 'ioredis';
import { coalesceWrites } from '../transport/coalesce-writes';

/**
 * A broker pod issues each Redis command as its own write: the cross-pod claim, the fabric
 * PUBLISH and the done mark of every event, each one syscall and, with TCP_NODELAY, one packet;
 * their CPU was a quarter of a busy broker pod's (docs/performance.md §5). So every socket `redis`
 * connects with (the first and each reconnect) gets {@link coalesceWrites} until the next tick:
 * the hook runs on ioredis' `connect`, before anything is written to the new socket. Order on the
 * connection is unchanged (unlike ioredis' auto-pipelining, which holds commands behind the
 * pipeline in flight while a MULTI goes straight out).
 */
export function coalesceRedisWrites(redis: Redis): void {
  redis.on('connect', () => {
    if (redis.stream) coalesceWrites(redis.stream);
  });
}
