import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { KafkaBusCounters } from '../kafka/kafka-bus-options';

/** What the app's bus tells about itself (the Kafka buses have both; the in-process bus neither). */
export interface ObservableBus {
  /** Connected, in its groups and able to send; absent = always (in process). */
  readonly ready?: boolean;
  counters?(): KafkaBusCounters;
}

/** The bus counters that count failures, and their `dh_bus_errors_total{kind}` label. */
type ErrorCounter = Exclude<
  keyof KafkaBusCounters,
  'produced' | 'consumed' | 'replies' | 'pacingMs' | 'packedRequests'
>;
const ERROR_KINDS: Record<ErrorCounter, string> = {
  malformed: 'malformed',
  orphanReplies: 'orphan_reply',
  foreignReplies: 'foreign_reply',
  expiredRequests: 'expired_request',
  handlerErrors: 'handler_error',
  produceErrors: 'produce_error',
  connectFailures: 'connect_failure',
};

/**
 * `dh_bus_up` (1 while the bus can carry requests: Kafka connected, in its groups, able to send)
 * and `dh_bus_errors_total{kind}` (the Kafka bus's own counters), read at scrape time.
 */
export function registerBusMetrics(registry: Registry, bus: ObservableBus): void {
  new Gauge({
    name: 'dh_bus_up',
    help: 'Whether the bus (Kafka in a cluster) can carry requests: 1 yes, 0 no',
    registers: [registry],
    collect() {
      this.set(bus.ready === false ? 0 : 1);
    },
  });
  const reported = new Map<string, number>();
  const errors = new Counter({
    name: 'dh_bus_errors_total',
    help: 'Bus records skipped or failed, by kind (malformed, orphan_reply, produce_error, ...)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const counters = bus.counters?.();
      for (const [field, kind] of Object.entries(ERROR_KINDS)) {
        const value = counters?.[field as ErrorCounter] ?? 0;
        const before = reported.get(kind) ?? 0;
        if (value > before) errors.inc({ kind }, value - before);
        reported.set(kind, Math.max(before, value));
      }
    },
  });
  for (const kind of Object.values(ERROR_KINDS)) errors.inc({ kind }, 0);
}

/** The part of a kafkajs consumer or producer the instrumentation listens to. */
export interface InstrumentedClient {
  readonly events: Record<string, string>;
  on(event: string, listener: (event: { payload: Record<string, unknown> }) => void): unknown;
}

/** What the Kafka bus calls on the clients it creates (implemented by {@link KafkaMetrics}). */
export interface KafkaInstrumentation {
  /** `group` is the group's role name (`dh.gateway.requests.v2`, …): a bounded label. */
  instrumentConsumer(consumer: InstrumentedClient, group: string): void;
  instrumentProducer(producer: InstrumentedClient): void;
  /**
   * A gateway starts a request's action `seconds` after the broker pod produced its record
   * (the record's timestamp); implemented by {@link GatewayKafkaMetrics}.
   */
  observeRequestWait?(seconds: number): void;
  /** The gateway ran a request: from its action's start to its reply handed to Redis or Kafka. */
  observeRequestRun?(seconds: number): void;
}

/** Seconds: a produce acknowledged by every in-sync replica, ~1 ms to a slow disk's seconds. */
const PRODUCE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Kafka client metrics from kafkajs' instrumentation events, defined once per registry:
 * - `dh_kafka_consumer_lag{group,topic,partition}`: records behind the partition's end after
 *   each batch (`consumer.events.END_BATCH_PROCESS`, `offsetLag`);
 * - `dh_kafka_rebalances_total{group}`: group joins (`consumer.events.GROUP_JOIN`);
 * - `dh_kafka_fetches_total{group}`: fetch requests (`consumer.events.FETCH`); records consumed
 *   per fetch show the batching of docs/adr/0022;
 * - `dh_kafka_produce_duration_seconds`: Produce requests to the Kafka brokers, sent to
 *   acknowledged (`producer.events.REQUEST` with `apiName` `Produce`).
 * The bus calls {@link instrumentConsumer} / {@link instrumentProducer} on the clients it
 * creates; group and topic names are the bus's fixed ones (bounded labels).
 */
export class KafkaMetrics implements KafkaInstrumentation {
  private readonly lag: Gauge<string>;
  private readonly rebalances: Counter<string>;
  private readonly fetches: Counter<string>;
  private readonly produce: Histogram<string>;

  constructor(registry: Registry) {
    this.lag = new Gauge({
      name: 'dh_kafka_consumer_lag',
      help: 'Records behind the end of the partition after the last batch, by group, topic and partition',
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    });
    this.rebalances = new Counter({
      name: 'dh_kafka_rebalances_total',
      help: 'Consumer group joins (each rebalance rejoins), by group',
      labelNames: ['group'],
      registers: [registry],
    });
    this.fetches = new Counter({
      name: 'dh_kafka_fetches_total',
      help: 'Fetch requests of the consumers, by group (records consumed per fetch = batching)',
      labelNames: ['group'],
      registers: [registry],
    });
    this.produce = new Histogram({
      name: 'dh_kafka_produce_duration_seconds',
      help: 'Produce requests to Kafka, sent to acknowledged',
      buckets: PRODUCE_BUCKETS,
      registers: [registry],
    });
  }

  instrumentConsumer(consumer: InstrumentedClient, group: string): void {
    this.rebalances.inc({ group }, 0);
    consumer.on(consumer.events['GROUP_JOIN'], () => this.rebalances.inc({ group }));
    this.fetches.inc({ group }, 0);
    consumer.on(consumer.events['FETCH'], () => this.fetches.inc({ group }));
    consumer.on(consumer.events['END_BATCH_PROCESS'], ({ payload }) => {
      const lag = Number(payload['offsetLag']);
      if (!Number.isFinite(lag)) return;
      this.lag.set(
        { group, topic: String(payload['topic']), partition: String(payload['partition']) },
        lag,
      );
    });
  }

  instrumentProducer(producer: InstrumentedClient): void {
    producer.on(producer.events['REQUEST'], ({ payload }) => {
      if (payload['apiName'] !== 'Produce') return;
      const ms = Number(payload['duration']);
      if (Number.isFinite(ms)) this.produce.observe(ms / 1000);
    });
  }
}

/** Seconds: a request fetched at once (~1 ms) to one held behind its client's slow ones. */
const WAIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A gateway pod's Kafka metrics: those of {@link KafkaMetrics}, and
 * `dh_gateway_request_wait_seconds`, from a request's Kafka record timestamp (the broker pod's
 * clock, when its produce batch was encoded) to the start of its action on this gateway. It
 * covers the Kafka append, the fetch and its pacing (docs/adr/0022), and the wait behind the same
 * client's earlier requests and the gateway's back-pressure. It does not cover the broker pod's
 * produce hold, the action itself or the reply's way back: `dh_request_duration_seconds` of the
 * broker pods is the whole. Clocks of different hosts differ by their synchronisation error;
 * a negative difference counts as 0. And `dh_gateway_request_run_seconds`, from that start to
 * the reply handed to Redis (or Kafka): the action with its SQL, its pushes and its events'
 * Kafka records, which are acknowledged before the reply leaves (docs/adr/0021).
 */
export class GatewayKafkaMetrics extends KafkaMetrics {
  private readonly requestWait: Histogram<string>;
  private readonly requestRun: Histogram<string>;

  constructor(registry: Registry) {
    super(registry);
    this.requestWait = new Histogram({
      name: 'dh_gateway_request_wait_seconds',
      help: 'From a request record produced by a broker pod to the start of its action on this gateway',
      buckets: WAIT_BUCKETS,
      registers: [registry],
    });
    this.requestRun = new Histogram({
      name: 'dh_gateway_request_run_seconds',
      help: "From a request's action start on this gateway to its reply handed to Redis or Kafka",
      buckets: WAIT_BUCKETS,
      registers: [registry],
    });
  }

  observeRequestWait(seconds: number): void {
    this.requestWait.observe(Math.max(0, seconds));
  }

  observeRequestRun(seconds: number): void {
    this.requestRun.observe(seconds);
  }
}
