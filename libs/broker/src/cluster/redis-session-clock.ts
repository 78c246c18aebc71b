import type { Redis } from 'ioredis';
import type { SessionClock } from '../limits/session-expiry';

/** The sorted set of persistent sessions that went away: member client id, score epoch ms. */
export const SESSIONS_AWAY_KEY = 'dh:sessions:away';
/** Most candidates one sweep reads; the next sweep takes the rest. */
const SWEEP_BATCH = 1_000;

/**
 * {@link SessionClock} shared by every broker pod through Redis, so a persistent session that
 * left pod A is expired by whichever pod sweeps, also after pod A is gone (reliability.md). One
 * sorted set: `away` is ZADD, `back` is ZREM, and since ZREM says whether it removed the member,
 * of two pods sweeping the same session (or a sweep racing the session's return on another pod)
 * only the first one to remove it goes on.
 */
export class RedisSessionClock implements SessionClock {
  constructor(
    private readonly redis: Redis,
    private readonly key = SESSIONS_AWAY_KEY,
  ) {}

  async away(clientId: string, at: number): Promise<void> {
    await this.redis.zadd(this.key, at, clientId);
  }

  async back(clientId: string): Promise<boolean> {
    return (await this.redis.zrem(this.key, clientId)) > 0;
  }

  async awaySince(before: number): Promise<readonly string[]> {
    return this.redis.zrangebyscore(this.key, '-inf', `(${before}`, 'LIMIT', 0, SWEEP_BATCH);
  }
}
