import type { Redis } from 'ioredis';

export interface OnceOptions {
  /** How long a finished key is remembered (default 10 minutes: far beyond a rebalance). */
  doneTtlMs?: number;
  /** How long a pod may hold a key while it works; a pod that dies frees it after this. */
  pendingTtlMs?: number;
  /** Poll period while another pod holds the key. */
  pollMs?: number;
}

const DEFAULTS = { doneTtlMs: 10 * 60_000, pendingTtlMs: 15_000, pollMs: 200 };
const DONE = 'done';

/**
 * Runs `work` for `key` on one pod of all those sharing `redis`, at most once while the key is
 * remembered, and at least once even when a pod dies mid-work:
 * - the first pod marks the key pending (`SET NX PX pendingTtl`), works, then marks it done;
 *   if the work throws, the mark is removed so a redelivery can try again;
 * - a pod that finds the key pending waits until it is done (nothing to do) or gone (the holder
 *   died or failed: it claims the key itself);
 * - when Redis does not answer, the work runs (a possible duplicate rather than a loss).
 * Resolves true when this pod did the work.
 */
export async function onceAcrossPods(
  redis: Redis,
  owner: string,
  key: string,
  work: () => Promise<void>,
  options: OnceOptions = {},
): Promise<boolean> {
  const { doneTtlMs, pendingTtlMs, pollMs } = { ...DEFAULTS, ...options };
  const pending = `pending:${owner}`;
  for (;;) {
    let claimed: boolean;
    try {
      claimed = (await redis.set(key, pending, 'PX', pendingTtlMs, 'NX')) === 'OK';
      if (!claimed) {
        const value = await redis.get(key);
        if (value === DONE) return false;
        if (value !== null) {
          await new Promise((resolve) => setTimeout(resolve, pollMs));
          continue;
        }
        continue; // gone between SET and GET: try to claim again
      }
    } catch {
      await work();
      return true;
    }
    try {
      await work();
    } catch (error) {
      await redis.del(key).catch(() => undefined);
      throw error;
    }
    await redis.set(key, DONE, 'PX', doneTtlMs).catch(() => undefined);
    return true;
  }
}
