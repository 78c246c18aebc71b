/**
 * Whether this pod listens to every event of the shared fabric for its pod-local pushes
 * (request-made subscriptions and private event filters, docs/architecture.md "A push").
 * Listening is a Redis pattern subscription on every event topic: each event of the cluster then
 * reaches the pod. It is held only while someone here needs it — a session that is a push
 * target, a `*\/subscribe` request on its way, a private filter being granted — and dropped
 * `lingerMs` after the last one left, so a pod without such sessions receives only the events its
 * MQTT filters match (docs/adr/0009-event-listener-only-where-needed.md).
 */
export interface PushInterest {
  /** Resolves once the listener is registered with the fabric (at once when it already is). */
  hold(): Promise<void>;
  /** Ends one `hold()`; the listener goes `lingerMs` after the last one ended. */
  release(): void;
}

/** Keeps the listener while holders last, plus a linger against subscribe/unsubscribe churn. */
export class FabricPushInterest implements PushInterest {
  private holders = 0;
  /** Settles when the last listen (while listening) is registered; undefined when not listening. */
  private listening: Promise<void> | undefined;
  /** Listens and unlistens run one after another, in call order. */
  private chain: Promise<void> = Promise.resolve();
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly listen: () => Promise<void>,
    private readonly unlisten: () => Promise<void>,
    private readonly lingerMs = 30_000,
  ) {}

  /** True while the listener is registered or being registered (tests, metrics). */
  get active(): boolean {
    return this.listening !== undefined;
  }

  hold(): Promise<void> {
    this.holders += 1;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.listening === undefined) {
      const listened = this.chain.then(() => this.listen());
      this.chain = listened.catch(() => undefined);
      this.listening = listened;
    }
    return this.listening;
  }

  release(): void {
    if (this.holders === 0) return;
    this.holders -= 1;
    if (this.holders > 0 || this.listening === undefined) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.holders > 0 || this.listening === undefined) return;
      this.listening = undefined;
      this.chain = this.chain.then(() => this.unlisten()).catch(() => undefined);
    }, this.lingerMs);
    this.lingerTimer.unref();
  }

  /** Stops the linger timer (broker closing). */
  close(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }
}

/** The embedded process's in-memory emitter: always listening, nothing to save. */
export const ALWAYS_LISTENING: PushInterest = {
  hold: () => Promise.resolve(),
  release: () => undefined,
};
