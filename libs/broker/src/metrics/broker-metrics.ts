import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ACTION_NAMES } from '@dh-mqtt/protocol';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The MQTT listeners of docs/security.md: the `listener` label. */
export const LISTENERS = ['tcp', 'ws', 'tls', 'wss'] as const;
export type ListenerName = (typeof LISTENERS)[number];

/** How a CONNECT ended (MQTT 3.1.1 §3.2.2.3 return codes, plus the per-address connect rate). */
export const CONNECT_RESULTS = [
  'accepted',
  'identifier_rejected',
  'bad_credentials',
  'not_authorized',
  'server_unavailable',
  'refused_by_limit',
] as const;
export type ConnectResult = (typeof CONNECT_RESULTS)[number];

/**
 * Why a message was not delivered: `acl` a subscriber may not see it (another client's reply, an
 * event without permission: normal with wildcard filters), `limit` a queue or window is full,
 * `too_large` over `DH_MAX_PACKET_SIZE` (the connection closes), `reserved` a client publish to
 * `$…` or to a `dh/…` topic nobody publishes to.
 */
export const DROP_REASONS = ['acl', 'limit', 'too_large', 'reserved'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Event topic kinds (docs/topics/notification.md): the `kind` label of pushes. */
export const PUSH_KINDS = ['notification', 'command', 'command_update'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** The `action` label of an action outside the catalog (bounded label values). */
export const OTHER_ACTION = 'other';

/** Seconds; from a local round trip (~1 ms) to the default request timeout (10 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;

/** The series of one action, bound once: the request path never builds a label object. */
interface ActionSeries {
  readonly duration: HistogramChild | undefined;
  /** `success` or the error code → the counter child of `dh_requests_total`. */
  readonly byStatus: Map<string | number, CounterChild>;
}

/** One open connection, for the byte counters: read at scrape time, never per packet. */
interface Tracked {
  readonly socket: Pick<Socket, 'bytesRead' | 'bytesWritten'>;
  readonly listener: number;
}

/**
 * The broker's counters (docs/operations.md, "Metrics"). The hot path (a PUBLISH in, a message
 * out) increments plain numbers; Prometheus reads them at scrape time (`collect`), so counting
 * allocates nothing per message. Requests and pushes, which cost far more than a number, observe
 * histograms through children bound once per label value. `$SYS` reads the same numbers.
 * Without a registry only the numbers are kept.
 */
export class BrokerMetrics {
  /** PUBLISH packets received from clients (wills included). */
  messagesReceived = 0;
  /** Messages written to subscribers, by the QoS they were published with (index 0–2). */
  readonly messagesSent = [0, 0, 0];
  /** Messages dropped, by {@link DROP_REASONS} index. */
  readonly dropped = [0, 0, 0, 0];
  /** QoS 1 messages stored for persistent sessions (offline or unacknowledged). */
  messagesQueued = 0;
  /** Stored QoS 1 messages sent again to a resumed session, marked DUP (sent before, unacked). */
  messagesRedelivered = 0;
  /** Requests received and not yet answered. */
  pendingRequests = 0;
  /** Requests answered (any status). */
  requestsAnswered = 0;
  /** Requests the gateway did not answer within `DH_REQUEST_TIMEOUT_MS` (503). */
  backendTimeouts = 0;
  /** Requests the bus refused or failed to carry (503). */
  backendUnavailable = 0;
  /**
   * Requests handed to the gateway while an earlier request of the same client was unanswered
   * (docs/adr/0017-pipelined-requests.md).
   */
  requestsPipelined = 0;
  /** Times a connection's reads were held (docs/adr/0020-reads-paused-before-the-pending-limit.md). */
  readPauses = 0;
  /** Seconds connections spent with their reads held, summed over connections. */
  readPausedSeconds = 0;
  /** Connections whose reads are held now. */
  readsPaused = 0;
  /** Pushes written, by {@link PUSH_KINDS} index. */
  readonly pushes = [0, 0, 0];
  /** Pushes a subscriber's filter matched but its principal may not see, by kind index. */
  readonly pushesDenied = [0, 0, 0];

  private readonly open = new Set<Tracked>();
  private readonly openByListener = [0, 0, 0, 0];
  private readonly closedBytesRead = [0, 0, 0, 0];
  private readonly closedBytesWritten = [0, 0, 0, 0];

  private readonly connects?: Map<ConnectResult, CounterChild>;
  private readonly actions = new Map<string, ActionSeries>();
  private readonly requests?: Counter<string>;
  private readonly requestDuration?: Histogram<string>;
  private readonly pushLatency?: HistogramChild[];

  constructor(registry?: Registry) {
    if (!registry) {
      for (const action of [...ACTION_NAMES, OTHER_ACTION]) {
        this.actions.set(action, { duration: undefined, byStatus: new Map() });
      }
      return;
    }
    const registers = [registry];
    const openByListener = this.openByListener;
    const pending = () => this.pendingRequests;
    new Gauge({
      name: 'dh_mqtt_connections',
      help: 'Open MQTT network connections, by listener',
      labelNames: ['listener'],
      registers,
      collect() {
        LISTENERS.forEach((listener, i) => this.set({ listener }, openByListener[i]));
      },
    });
    const connects = new Counter({
      name: 'dh_mqtt_connects_total',
      help: 'CONNECT attempts, by result',
      labelNames: ['result'],
      registers,
    });
    this.connects = new Map(CONNECT_RESULTS.map((result) => [result, connects.labels(result)]));
    for (const child of this.connects.values()) child.inc(0);
    fromNumber(
      registers,
      'dh_mqtt_messages_received_total',
      'PUBLISH packets from clients',
      () => this.messagesReceived,
    );
    labelled(
      registers,
      'dh_mqtt_messages_sent_total',
      'Messages written to subscribers, by the QoS they were published with',
      'qos',
      ['0', '1', '2'],
      this.messagesSent,
    );
    labelled(
      registers,
      'dh_mqtt_bytes_received_total',
      'Bytes read from MQTT connections (WebSocket framing and TLS records included), by listener',
      'listener',
      LISTENERS,
      () => this.bytes('bytesRead'),
    );
    labelled(
      registers,
      'dh_mqtt_bytes_sent_total',
      'Bytes written to MQTT connections, by listener',
      'listener',
      LISTENERS,
      () => this.bytes('bytesWritten'),
    );
    labelled(
      registers,
      'dh_mqtt_messages_dropped_total',
      'Messages not delivered, by reason',
      'reason',
      DROP_REASONS,
      this.dropped,
    );
    fromNumber(
      registers,
      'dh_mqtt_messages_queued_total',
      'QoS 1 messages stored for persistent sessions',
      () => this.messagesQueued,
    );
    fromNumber(
      registers,
      'dh_mqtt_messages_redelivered_total',
      'Stored QoS 1 messages sent again, marked DUP, to a persistent session that resumed',
      () => this.messagesRedelivered,
    );
    this.requests = new Counter({
      name: 'dh_requests_total',
      help: 'Requests answered on dh/response, by action and status (success or the error code)',
      labelNames: ['action', 'status'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'dh_request_duration_seconds',
      help: 'From a request PUBLISH received to its reply handed to the router, by action',
      labelNames: ['action'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    for (const action of [...ACTION_NAMES, OTHER_ACTION]) {
      this.actions.set(action, {
        duration: this.requestDuration.labels(action),
        byStatus: new Map(),
      });
    }
    new Gauge({
      name: 'dh_requests_pending',
      help: 'Requests received and not yet answered',
      registers,
      collect() {
        this.set(pending());
      },
    });
    fromNumber(
      registers,
      'dh_backend_timeouts_total',
      'Requests answered 503 because no reply came within DH_REQUEST_TIMEOUT_MS',
      () => this.backendTimeouts,
    );
    fromNumber(
      registers,
      'dh_requests_pipelined_total',
      "Requests handed to the gateway before the same client's earlier requests were answered (ADR 0017)",
      () => this.requestsPipelined,
    );
    fromNumber(
      registers,
      'dh_backend_unavailable_total',
      'Requests answered 503 because the bus could not carry them',
      () => this.backendUnavailable,
    );
    fromNumber(
      registers,
      'dh_mqtt_read_pauses_total',
      'Times reading an MQTT connection stopped because half of DH_MAX_PENDING_REQUESTS of its requests were unanswered (ADR 0020)',
      () => this.readPauses,
    );
    fromNumber(
      registers,
      'dh_mqtt_read_paused_seconds_total',
      'Seconds MQTT connections spent with their reading stopped, summed over connections',
      () => this.readPausedSeconds,
    );
    const paused = () => this.readsPaused;
    new Gauge({
      name: 'dh_mqtt_connections_read_paused',
      help: 'MQTT connections whose reading is stopped now (ADR 0020)',
      registers,
      collect() {
        this.set(paused());
      },
    });
    labelled(
      registers,
      'dh_pushes_total',
      'Device events written to subscribers, by kind',
      'kind',
      PUSH_KINDS,
      this.pushes,
    );
    labelled(
      registers,
      'dh_pushes_denied_total',
      'Device events a filter matched but the subscriber may not see, by kind',
      'kind',
      PUSH_KINDS,
      this.pushesDenied,
    );
    const pushLatency = new Histogram({
      name: 'dh_push_latency_seconds',
      help: 'From an event stored (its timestamp) to its PUBLISH to a subscriber, by kind',
      labelNames: ['kind'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // Three kinds: their series exist from the start, so a dashboard shows 0, not "no data".
    for (const kind of PUSH_KINDS) pushLatency.zero({ kind });
    this.pushLatency = PUSH_KINDS.map((kind) => pushLatency.labels(kind));
  }

  /** A connection a listener accepted; counted until its socket closes. */
  opened(listener: ListenerName, socket: Socket): void {
    const tracked: Tracked = { socket, listener: LISTENERS.indexOf(listener) };
    this.open.add(tracked);
    this.openByListener[tracked.listener] += 1;
    socket.once('close', () => {
      this.open.delete(tracked);
      this.openByListener[tracked.listener] -= 1;
      this.closedBytesRead[tracked.listener] += socket.bytesRead;
      this.closedBytesWritten[tracked.listener] += socket.bytesWritten;
    });
  }

  /** Open connections of every listener. */
  connections(): number {
    return this.open.size;
  }

  connect(result: ConnectResult): void {
    this.connects?.get(result)?.inc();
  }

  drop(reason: DropReason, count = 1): void {
    this.dropped[DROP_REASONS.indexOf(reason)] += count;
  }

  /** A connection's reads are held (ReadHoldCounts). */
  held(): void {
    this.readPauses += 1;
    this.readsPaused += 1;
  }

  /** A connection's reads are released after `heldSeconds` (ReadHoldCounts). */
  released(heldSeconds: number): void {
    this.readsPaused -= 1;
    this.readPausedSeconds += heldSeconds;
  }

  /** A request starts: returns its start time for {@link requestAnswered}. */
  requestReceived(): number {
    this.pendingRequests += 1;
    return performance.now();
  }

  /** A request's reply is ready to publish: counts it by action and status, observes its duration. */
  requestAnswered(action: string | null, status: 'success' | number, startedAt: number): void {
    this.pendingRequests -= 1;
    this.requestsAnswered += 1;
    if (!this.requests) return;
    const series = this.seriesOf(action);
    series.duration?.observe((performance.now() - startedAt) / 1000);
    let child = series.byStatus.get(status);
    if (!child) {
      const label = action !== null && this.actions.has(action) ? action : OTHER_ACTION;
      child = this.requests.labels(label, String(status));
      series.byStatus.set(status, child);
    }
    child.inc();
  }

  /** A push written to one subscriber; `storedAtMs` is the event's stored time when known. */
  push(kind: number, storedAtMs: number): void {
    this.pushes[kind] += 1;
    if (this.pushLatency && storedAtMs > 0) {
      this.pushLatency[kind].observe(Math.max(0, Date.now() - storedAtMs) / 1000);
    }
  }

  private seriesOf(action: string | null): ActionSeries {
    return (
      (action !== null ? this.actions.get(action) : undefined) ??
      (this.actions.get(OTHER_ACTION) as ActionSeries)
    );
  }

  private bytes(field: 'bytesRead' | 'bytesWritten'): number[] {
    const totals = [...(field === 'bytesRead' ? this.closedBytesRead : this.closedBytesWritten)];
    for (const tracked of this.open) totals[tracked.listener] += tracked.socket[field];
    return totals;
  }
}

/** A counter whose value is a number kept elsewhere, read at scrape time. */
function fromNumber(registers: Registry[], name: string, help: string, read: () => number) {
  let reported = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const value = read();
      if (value > reported) this.inc(value - reported);
      reported = value;
    },
  });
}

/** A labelled counter whose values are kept elsewhere (one number per label value). */
function labelled(
  registers: Registry[],
  name: string,
  help: string,
  label: string,
  values: readonly string[],
  read: readonly number[] | (() => readonly number[]),
) {
  const reported = values.map(() => 0);
  const counter = new Counter({
    name,
    help,
    labelNames: [label],
    registers,
    collect() {
      const current = typeof read === 'function' ? read() : read;
      values.forEach((_value, i) => {
        if (current[i] > reported[i]) children[i].inc(current[i] - reported[i]);
        reported[i] = Math.max(reported[i], current[i]);
      });
    },
  });
  const children = values.map((value) => counter.labels(value));
  for (const child of children) child.inc(0);
}
