import type { Principal, RequestSubscription } from '@dh-mqtt/protocol';

/**
 * What the broker knows about one MQTT connection beyond aedes' own state (DESIGN.md §1: nothing
 * that another pod could not rebuild on CONNECT). Keyed by wire values only through Maps, never
 * plain objects (mqtt-api.md §7: `__proto__` client ids).
 */
export class ClientSession {
  /** Null = anonymous (mqtt-api.md §3); replaced by a successful `authenticate`. */
  principal: Principal | null = null;
  /** Request-made subscriptions (`notification/subscribe`, `command/subscribe`), by id. */
  readonly requestSubscriptions = new Map<number, RequestSubscription>();

  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(readonly clientId: string) {}

  /** Requests accepted and not yet answered (the one in flight included). */
  get pendingRequests(): number {
    return this.queued;
  }

  /**
   * Runs `task` after every task enqueued before it (mqtt-api.md §4: requests of one client are
   * handled, and answered, in the order it published them). A failing task does not stop the
   * queue; the task itself must turn failures into error replies.
   */
  enqueue(task: () => Promise<void>): Promise<void> {
    this.queued++;
    const run = this.tail.then(task).finally(() => {
      this.queued--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every request enqueued so far has been answered. */
  idle(): Promise<void> {
    return this.tail;
  }
}
