import type { DeviceEvent, Principal, RequestSubscription } from '@dh-mqtt/protocol';
import type { Client } from 'aedes';
import { DeliveryWindow } from '../delivery/delivery-window';

/**
 * Live events a subscription not yet activated may hold (docs/api/subscriptions.md replay window).
 */
const MAX_HELD_EVENTS = 100;

const noop = (): void => undefined;

/** Follows the length of a session's request queue. */
export interface QueueWatcher {
  queueLength(unanswered: number): void;
}

/**
 * A request-made subscription between the gateway's reply and its activation: live matches are
 * held here so the client gets reply → replay → live, in that order (docs/topics/notification.md).
 */
export interface PendingSubscription {
  readonly subscription: RequestSubscription;
  readonly replay: readonly DeviceEvent[];
  readonly held: DeviceEvent[];
}

/**
 * What the broker knows about one MQTT connection beyond aedes' own state (docs/architecture.md:
 * nothing that another pod could not rebuild on CONNECT). Keyed by wire values only through Maps,
 * never plain objects (docs/reliability.md: `__proto__` client ids).
 */
export class ClientSession {
  /** Null = anonymous (docs/topics/request.md); replaced by a successful `authenticate`. */
  principal: Principal | null = null;
  /**
   * Active request-made subscriptions (`notification/subscribe`, `command/subscribe`), by id.
   * Connection-scoped (docs/api/subscriptions.md): they end with the connection, persistent session
   * or not.
   */
  readonly requestSubscriptions = new Map<number, RequestSubscription>();
  /** Subscriptions whose reply is not published yet, by id. */
  readonly pendingSubscriptions = new Map<number, PendingSubscription>();
  /**
   * Which routed packets this connection already got (exactly-once, docs/topics/notification.md).
   */
  readonly delivered = new DeliveryWindow();
  /** Settles when every request queued so far has been answered. */
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  /**
   * Settles when the next pipelined request may start: the last request queued has started (a
   * pipelined one) or been answered (any other).
   */
  private startGate: Promise<void> = Promise.resolve();
  /** Requests that hold later pipelined ones: other requests not answered, pipelined not started. */
  private holding = 0;
  /** Told the number of unanswered requests whenever it changes (reads backpressure). */
  private queueWatcher: QueueWatcher | undefined;

  /**
   * @param client the aedes connection (null only in unit tests of request handling)
   * @param onPushTarget called when the session starts needing pod-local pushes
   */
  constructor(
    readonly clientId: string,
    readonly client: Client | null = null,
    private readonly onPushTarget: (session: ClientSession) => void = () => undefined,
  ) {}

  /** Requests accepted and not yet answered (the one in flight included). */
  get pendingRequests(): number {
    return this.queued;
  }

  /**
   * Tells `watcher` the number of unanswered requests each time it changes
   * (docs/adr/0020-reads-paused-before-the-pending-limit.md).
   */
  watchQueue(watcher: QueueWatcher): void {
    this.queueWatcher = watcher;
  }

  /**
   * Runs `task` after every task enqueued before it (docs/topics/request.md: requests of one client
   * are handled, and answered, in the order it published them). A failing task does not stop the
   * queue; the task itself must turn failures into error replies. Pipelined requests queued after
   * it start only once it is done.
   */
  enqueue(task: () => Promise<void>): Promise<void> {
    this.holding++;
    const run = this.append(task).finally(() => {
      this.holding--;
    });
    this.startGate = this.tail;
    return run;
  }

  /**
   * A request of a `pipelined` action (docs/adr/0017-pipelined-requests.md). `start` hands the
   * request on: at once when nothing holds it (every earlier request still waiting is a pipelined
   * one already handed on), otherwise as soon as the request before it has started (pipelined) or
   * been answered (any other), so requests leave in publish order. `finish` (the reply's
   * publication) runs in publish order, after every earlier request's. `start` must hand the
   * request on before its first `await`; `handsOnAtOnce`, when given, says whether it will at the
   * moment it is called: when it says no, later pipelined requests wait for this one's answer.
   * `start` learns whether it overtakes an earlier request still unanswered.
   */
  pipeline<T>(
    start: (overtaking: boolean) => Promise<T>,
    finish: (started: T) => Promise<void>,
    handsOnAtOnce: () => boolean = () => true,
  ): Promise<void> {
    if (this.holding === 0 && handsOnAtOnce()) {
      // Not counted yet (append() below counts it): any count now is an earlier request.
      const started = start(this.queued > 0);
      return this.append(() => started.then(finish));
    }
    this.holding++;
    let begun!: Promise<T>;
    const gate = this.startGate.then(() => {
      const atOnce = handsOnAtOnce();
      begun = start(this.queued > 1); // counted by now
      // A start that waits for something first: later ones wait for its answer.
      return atOnce ? undefined : begun.then(noop, noop);
    });
    this.startGate = gate.finally(() => {
      this.holding--;
    });
    return this.append(() => gate.then(() => begun).then(finish));
  }

  private append(task: () => Promise<void>): Promise<void> {
    this.queued++;
    this.queueWatcher?.queueLength(this.queued);
    const run = this.tail.then(task).finally(() => {
      this.queued--;
      this.queueWatcher?.queueLength(this.queued);
    });
    this.tail = run.catch(noop);
    return run;
  }

  /** Resolves when every request enqueued so far has been answered. */
  idle(): Promise<void> {
    return this.tail;
  }

  /**
   * Registers a subscription the gateway just created; it holds live matches until
   * {@link activateSubscriptions} runs after the reply.
   */
  addRequestSubscription(subscription: RequestSubscription, replay: readonly DeviceEvent[]): void {
    this.pendingSubscriptions.set(subscription.subscriptionId, {
      subscription,
      replay,
      held: [],
    });
    this.onPushTarget(this);
  }

  /** Keeps a live event for a pending subscription; beyond the cap the oldest is dropped. */
  hold(pending: PendingSubscription, event: DeviceEvent): void {
    if (pending.held.length >= MAX_HELD_EVENTS) pending.held.shift();
    pending.held.push(event);
  }

  /**
   * Makes every pending subscription active and returns what each must deliver first: its replay,
   * then the live events held meanwhile that the replay did not already contain.
   */
  activateSubscriptions(): Array<{ subscription: RequestSubscription; events: DeviceEvent[] }> {
    const activated = [];
    for (const { subscription, replay, held } of this.pendingSubscriptions.values()) {
      const replayed = new Set(replay.map(eventKey));
      const events = [...replay, ...held.filter((event) => !replayed.has(eventKey(event)))];
      this.requestSubscriptions.set(subscription.subscriptionId, subscription);
      activated.push({ subscription, events });
    }
    this.pendingSubscriptions.clear();
    return activated;
  }

  /** Whether pod-local pushes still have anything to do for this session. */
  hasRequestSubscriptions(): boolean {
    return this.requestSubscriptions.size > 0 || this.pendingSubscriptions.size > 0;
  }
}

/** Identity of a stored event: its kind and the id of the notification or command. */
function eventKey(event: DeviceEvent): string {
  return `${event.kind}\u0000${String(event.data['id'])}`;
}
