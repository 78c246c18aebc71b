import { DhError } from '@dh-mqtt/protocol';
import type { ReplyEnvelope, RequestEnvelope } from '../bus.port';
import { wireCopy } from './wire-copy';

/** A request the broker side waits for; settles once, whichever comes first. */
export interface ReplyWaiter {
  resolve(reply: ReplyEnvelope): void;
  reject(error: DhError): void;
}

/** Where a transport keeps its waiters; `delete` says whether the waiter was still there. */
export interface WaiterRegistry {
  add(waiter: ReplyWaiter): void;
  delete(waiter: ReplyWaiter): boolean;
}

/**
 * The broker side's wait for one reply over an in-memory transport (in-process, worker thread):
 * rejects with `DH_ERR_BACKEND_TIMEOUT` at once when the deadline has passed, else at the earlier
 * of the deadline and `maxWaitMs`; otherwise registers a waiter in `waiters` (removed when it
 * settles) and hands `send` a JSON copy of the envelope, so no object is shared with the gateway.
 */
export function waitForReply(
  request: RequestEnvelope,
  maxWaitMs: number,
  waiters: WaiterRegistry,
  send: (envelope: RequestEnvelope, waiter: ReplyWaiter) => void,
): Promise<ReplyEnvelope> {
  const waitMs = Math.min(request.deadline - Date.now(), maxWaitMs);
  if (waitMs <= 0) {
    return Promise.reject(new DhError('DH_ERR_BACKEND_TIMEOUT', Math.max(0, waitMs)));
  }
  const envelope = wireCopy(request);
  return new Promise<ReplyEnvelope>((resolve, reject) => {
    const waiter: ReplyWaiter = {
      resolve(reply) {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        resolve(reply);
      },
      reject(error) {
        if (!waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(error);
      },
    };
    const timer = setTimeout(
      () => waiter.reject(new DhError('DH_ERR_BACKEND_TIMEOUT', Math.round(waitMs))),
      waitMs,
    );
    waiters.add(waiter);
    send(envelope, waiter);
  });
}
