import { DhError } from '@dh-mqtt/protocol';
import type { ReplyEnvelope } from '../bus.port';

interface Waiter {
  resolve(reply: ReplyEnvelope): void;
  reject(error: DhError): void;
}

/**
 * The requests a broker waits replies for, by correlation id. Each wait settles exactly once:
 * with its reply, with an error, or with `DH_ERR_BACKEND_TIMEOUT` after `waitMs`.
 */
export class PendingReplies {
  private readonly waiters = new Map<string, Waiter>();

  /** Starts waiting for the reply to request `id`. */
  wait(id: string, waitMs: number): Promise<ReplyEnvelope> {
    return new Promise<ReplyEnvelope>((resolve, reject) => {
      const settle = (): boolean => {
        if (this.waiters.get(id) !== waiter) return false;
        this.waiters.delete(id);
        clearTimeout(timer);
        return true;
      };
      const waiter: Waiter = {
        resolve: (reply) => void (settle() && resolve(reply)),
        reject: (error) => void (settle() && reject(error)),
      };
      const timer = setTimeout(
        () => waiter.reject(new DhError('DH_ERR_BACKEND_TIMEOUT', Math.round(waitMs))),
        waitMs,
      );
      this.waiters.set(id, waiter);
    });
  }

  /** Settles the wait for `id` with its reply; false when nobody waits for it (any more). */
  resolve(id: string, reply: ReplyEnvelope): boolean {
    const waiter = this.waiters.get(id);
    waiter?.resolve(reply);
    return waiter !== undefined;
  }

  /** Settles the wait for `id` with `error`; false when nobody waits for it (any more). */
  reject(id: string, error: DhError): boolean {
    const waiter = this.waiters.get(id);
    waiter?.reject(error);
    return waiter !== undefined;
  }

  rejectAll(error: () => DhError): void {
    for (const waiter of [...this.waiters.values()]) waiter.reject(error());
  }
}
