import { DhClosedError, DhRequestError, DhTimeoutError } from './dh-request-error';

/** A reply as parsed from `dh/response/...` (docs/api/README.md "Envelope"). */
export interface ReplyMessage {
  action?: string | null;
  requestId?: unknown;
  status?: string;
  code?: number;
  error?: string;
  [field: string]: unknown;
}

interface Waiter {
  action: string;
  resolve(reply: ReplyMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests waiting for their reply, keyed by `requestId` (docs/topics/response.md: "Correlate
 * them by requestId"). Each ends exactly once: a success, a `DhRequestError`, a timeout or close.
 */
export class PendingRequests {
  private readonly waiting = new Map<string, Waiter>();
  private sequence = 0;

  constructor(private readonly prefix: string) {}

  /** A fresh requestId, unique within this client. */
  nextId(): string {
    return `${this.prefix}-${++this.sequence}`;
  }

  /** Resolves with the success reply of `requestId`, or rejects. */
  wait(requestId: string, action: string, timeoutMs: number): Promise<ReplyMessage> {
    return new Promise<ReplyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new DhTimeoutError(action, timeoutMs));
      }, timeoutMs);
      this.waiting.set(requestId, { action, resolve, reject, timer });
    });
  }

  /** Settles the request a reply belongs to; false when it belongs to none. */
  settle(reply: ReplyMessage): boolean {
    if (typeof reply.requestId !== 'string') return false;
    const waiter = this.waiting.get(reply.requestId);
    if (!waiter) return false;
    this.waiting.delete(reply.requestId);
    clearTimeout(waiter.timer);
    if (reply.status === 'success') waiter.resolve(reply);
    else {
      const action = typeof reply.action === 'string' ? reply.action : null;
      const code = typeof reply.code === 'number' ? reply.code : 500;
      waiter.reject(new DhRequestError(action, code, String(reply.error ?? ''), reply.requestId));
    }
    return true;
  }

  /** Fails one request before it was answered (a publish that could not be sent). */
  fail(requestId: string, error: Error): void {
    const waiter = this.waiting.get(requestId);
    if (!waiter) return;
    this.waiting.delete(requestId);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  /** Rejects everything still waiting with `DhClosedError`. */
  closeAll(): void {
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(new DhClosedError(waiter.action));
      this.waiting.delete(id);
    }
  }
}
