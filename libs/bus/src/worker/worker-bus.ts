import { DhError, isPipelined, type DeviceEvent, type ErrorCode } from '@dh-mqtt/protocol';
import type {
  BrokerBus,
  EventHandler,
  GatewayBus,
  ReplyEnvelope,
  RequestEnvelope,
  RequestHandler,
} from '../bus.port';
import { KeyedSerialQueue } from '../internal/keyed-serial-queue';
import { waitForReply, type ReplyWaiter } from '../internal/reply-waiter';
import { wireCopy } from '../internal/wire-copy';

/**
 * One end of a `MessageChannel` (or a `Worker` / `parentPort`): what the worker bus needs of it.
 * Node's `MessagePort`, `Worker` and `parentPort` all fit.
 */
export interface BusPort {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
}

/** What crosses the port: arrays of messages (per event-loop turn, at most 32) and direction. */
type BrokerMessage = readonly ['request', RequestEnvelope];
type GatewayMessage =
  | readonly ['reply', ReplyEnvelope]
  | readonly ['failed', string, ErrorCode]
  | readonly ['event', DeviceEvent]
  | readonly ['serving', boolean];

/** Messages and batches one end has posted and received (`dh_worker_bus_*_total`). */
export interface WorkerBusCounters {
  messagesSent: number;
  batchesSent: number;
  messagesReceived: number;
  /** Batches received: the other side's `postMessage` calls. */
  batchesReceived: number;
  /** Replies that came for a request the broker side no longer waits for (timed out). */
  lateReplies: number;
}

export interface WorkerBrokerBusOptions {
  /**
   * Upper bound of the wait for a reply, in ms, whatever the envelope's deadline says
   * (default 30 000). The wait ends at the earlier of the deadline and this bound.
   */
  requestTimeoutMs?: number;
  /** Called when a broker event handler throws; the event counts as delivered anyway. */
  onEventHandlerError?: (error: unknown, event: DeviceEvent) => void;
}

export interface WorkerBrokerBus extends BrokerBus {
  /** Whether the gateway side says it serves (false before it starts, after it closes). */
  readonly ready: boolean;
  /** Requests sent and not answered yet. */
  readonly pending: number;
  /** Resolves once the gateway side says it serves (the standalone listens only then). */
  untilServing(): Promise<void>;
  /** Rejects every waiting request with DH_ERR_BACKEND_UNAVAILABLE (the other thread is gone). */
  peerLost(): void;
  counters(): WorkerBusCounters;
}

export interface WorkerGatewayBus extends GatewayBus {
  counters(): WorkerBusCounters;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Messages per `postMessage` at most (docs/adr/0016). */
const MAX_BATCH = 32;

/**
 * Collects the messages of one event-loop turn (at most {@link MAX_BATCH}) and posts them as one
 * array (docs/adr/0016: a `postMessage` costs ~8 µs of CPU whatever its size; 8 messages in one
 * cost ~1.3 µs each).
 */
class Outbox<M> {
  private queued: M[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly port: BusPort,
    private readonly counts: WorkerBusCounters,
  ) {}

  push(message: M): void {
    this.queued.push(message);
    // A full batch leaves at once: the other thread starts on it while this one goes on, instead
    // of the two taking turns on whole event-loop turns of work.
    if (this.queued.length >= MAX_BATCH) this.flush();
    else this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Posts what is queued now (also at close, so the last replies leave before the thread ends). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.counts.messagesSent += batch.length;
    this.counts.batchesSent += 1;
    this.port.postMessage(batch);
  }
}

const newCounters = (): WorkerBusCounters => ({
  messagesSent: 0,
  batchesSent: 0,
  messagesReceived: 0,
  batchesReceived: 0,
  lateReplies: 0,
});

/**
 * The broker's end of the worker-thread bus (docs/adr/0016): requests go to the gateway in the
 * other thread over `port`, replies and device events come back on it, in the order the gateway
 * sent them (an event published while handling a request reaches the handlers before its reply).
 * Same semantics as the in-process bus; the contract suite runs against both.
 */
export function createWorkerBrokerBus(
  port: BusPort,
  options: WorkerBrokerBusOptions = {},
): WorkerBrokerBus {
  const maxWaitMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const counts = newCounters();
  const outbox = new Outbox<BrokerMessage>(port, counts);
  const pending = new Map<string, ReplyWaiter>();
  const eventHandlers: EventHandler[] = [];
  let state: 'new' | 'started' | 'closed' = 'new';
  let gatewayServes = false;
  let peerGone = false;
  const servingWaiters: Array<() => void> = [];
  // Events still being delivered (their handlers' promises, joined). A reply or failure waits for
  // the events that arrived before it, so a push still precedes the reply of the request that
  // caused it; events never wait for each other, and no message waits for a later one.
  let eventsInFlight: Promise<unknown> | undefined;

  function deliverEvent(event: DeviceEvent): void {
    // Every handler is called now, in arrival order: each sees the events in the order sent.
    const delivered = Promise.all(
      eventHandlers.map(async (handler) => {
        try {
          await handler(event);
        } catch (error) {
          options.onEventHandlerError?.(error, event);
        }
      }),
    );
    const joined: Promise<unknown> = Promise.all([eventsInFlight, delivered]).then(() => {
      if (eventsInFlight === joined) eventsInFlight = undefined;
    });
    eventsInFlight = joined;
  }

  /** Runs `settle` once the events received so far are delivered (at once if there are none). */
  function afterEvents(settle: () => void): void {
    if (eventsInFlight === undefined) settle();
    else void eventsInFlight.then(settle);
  }

  function receive(batch: readonly GatewayMessage[]): void {
    counts.messagesReceived += batch.length;
    counts.batchesReceived += 1;
    for (const message of batch) {
      switch (message[0]) {
        case 'reply': {
          const reply = message[1];
          const waiter = pending.get(reply.id);
          if (waiter) afterEvents(() => waiter.resolve(reply));
          else counts.lateReplies += 1;
          break;
        }
        case 'failed': {
          const waiter = pending.get(message[1]);
          const error = new DhError(message[2]);
          if (waiter) afterEvents(() => waiter.reject(error));
          break;
        }
        case 'event':
          // No broker listening: nobody could be subscribed, so the event has no audience.
          if (state === 'started') deliverEvent(message[1]);
          break;
        case 'serving':
          gatewayServes = message[1];
          if (gatewayServes) for (const wake of servingWaiters.splice(0)) wake();
          break;
      }
    }
  }

  const listener = (value: unknown) => receive(value as readonly GatewayMessage[]);
  port.on('message', listener);

  function rejectAll(): void {
    for (const waiter of [...pending.values()]) {
      waiter.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
    }
  }

  return {
    get ready() {
      return gatewayServes;
    },
    get pending() {
      return pending.size;
    },
    counters: () => ({ ...counts }),
    untilServing() {
      if (gatewayServes) return Promise.resolve();
      return new Promise<void>((resolve) => servingWaiters.push(resolve));
    },
    peerLost() {
      peerGone = true;
      gatewayServes = false;
      rejectAll();
    },
    request(request) {
      // A gateway not serving yet (or any more) answers DH_ERR_BACKEND_UNAVAILABLE itself; only
      // a thread known to be gone is not asked.
      if (state !== 'started' || peerGone) {
        return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      }
      // Replies come back by envelope id.
      const id = request.id;
      const byId = {
        add: (waiter: ReplyWaiter) => void pending.set(id, waiter),
        delete: (waiter: ReplyWaiter) => pending.get(id) === waiter && pending.delete(id),
      };
      return waitForReply(request, maxWaitMs, byId, (envelope) => {
        outbox.push(['request', envelope]);
      });
    },
    onEvent(handler) {
      eventHandlers.push(handler);
    },
    async start() {
      if (state === 'new') state = 'started';
    },
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      port.off('message', listener);
      rejectAll();
    },
  };
}

/**
 * The gateway's end of the worker-thread bus (docs/adr/0016), in the worker: requests of one
 * client are handled one after another, different clients concurrently; replies and events go
 * back as JSON-shaped copies (what they would be after Kafka), batched per event-loop turn.
 * `publishEvent` resolves once the event is queued for the broker thread, ahead of any reply sent
 * after it.
 */
export function createWorkerGatewayBus(port: BusPort): WorkerGatewayBus {
  const counts = newCounters();
  const outbox = new Outbox<GatewayMessage>(port, counts);
  const queue = new KeyedSerialQueue();
  let handler: RequestHandler | undefined;
  let state: 'new' | 'started' | 'closed' = 'new';

  async function handle(envelope: RequestEnvelope, sequenced: () => void): Promise<void> {
    // Queued behind a slow request when the gateway closed: not handled (no other gateway here).
    if (state !== 'started' || handler === undefined) {
      outbox.push(['failed', envelope.id, 'DH_ERR_BACKEND_UNAVAILABLE']);
      return;
    }
    try {
      outbox.push(['reply', wireCopy(await handler(envelope, { sequenced }))]);
    } catch (_error) {
      // The dispatcher turns every failure into an error reply; this is a broken handler.
      outbox.push(['failed', envelope.id, 'DH_ERR_INTERNAL']);
    }
  }

  const listener = (value: unknown) => {
    const batch = value as readonly BrokerMessage[];
    counts.messagesReceived += batch.length;
    counts.batchesReceived += 1;
    for (const [, envelope] of batch) {
      void queue.run(envelope.clientId, (sequenced) => handle(envelope, sequenced), {
        overlaps: isPipelined(envelope.request.action),
      });
    }
  };

  // Heard from the start: requests before start() or after close() are answered at once.
  port.on('message', listener);

  return {
    serve(requestHandler) {
      handler = requestHandler;
    },
    counters: () => ({ ...counts }),
    async publishEvent(event, publish) {
      if (state !== 'started') throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
      // A pushed event is in the fabric already (docs/adr/0021): the broker thread has no use for it.
      if (publish?.pushed === true) return;
      outbox.push(['event', wireCopy(event)]);
    },
    async start() {
      if (state !== 'new') return;
      state = 'started';
      outbox.push(['serving', handler !== undefined]);
    },
    async close() {
      if (state === 'closed') return;
      const wasStarted = state === 'started';
      state = 'closed';
      if (wasStarted) {
        outbox.push(['serving', false]);
        outbox.flush();
      }
      // Graceful: requests already being handled finish and their replies are delivered. The
      // port stays heard: requests that still come are answered DH_ERR_BACKEND_UNAVAILABLE.
      await queue.drain();
      outbox.flush();
    },
  };
}
