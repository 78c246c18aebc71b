/** The processes that export a metric (`app` label). */
export type MetricRole = 'standalone' | 'broker' | 'gateway';

/** One exported metric family: the contract dashboards and alert rules rely on. */
export interface MetricSpec {
  /** As exported; a histogram `x` is scraped as `x_bucket`, `x_sum` and `x_count`. */
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  /** Which processes export it. */
  readonly roles: readonly MetricRole[];
  /**
   * Exported only with TLS configured, with PostgreSQL (a pool), with Redis, with Kafka (the
   * cluster's buses) or with a remote DeviceHive server as the backend (`DH_DEVICEHIVE_URL`).
   */
  readonly when?: 'tls' | 'postgres' | 'redis' | 'kafka' | 'remote';
  /** Where it is defined. */
  readonly owner: string;
}

const ALL: readonly MetricRole[] = ['standalone', 'broker', 'gateway'];
const BROKER: readonly MetricRole[] = ['standalone', 'broker'];
const GATEWAY: readonly MetricRole[] = ['standalone', 'gateway'];

const BROKER_METRICS = 'libs/broker/src/metrics/broker-metrics.ts';
const API_METRICS = 'libs/http-api/src/metrics/api-metrics.ts';
const REMOTE_STREAM_METRICS = 'libs/devicehive-remote/src/events/stream-metrics.ts';
const REMOTE_METRICS = 'libs/devicehive-remote/src/metrics/remote-metrics.ts';

/**
 * Every metric family `/metrics` exports (docs/operations.md, "Metrics"), the one list the
 * dashboard and the alert rules are checked against (tools/deploy-check) and the scrape after
 * real traffic is checked against (apps/standalone/test/metrics.e2e.spec.ts). Labels are bounded:
 * never a client, device or user id. Every series also has `app` (standalone, broker, gateway).
 */
export const METRICS: readonly MetricSpec[] = [
  // Node defaults (prom-client), under their conventional names
  {
    name: 'process_cpu_seconds_total',
    type: 'counter',
    labels: [],
    roles: ALL,
    owner: 'prom-client',
  },
  {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'prom-client',
  },
  { name: 'process_open_fds', type: 'gauge', labels: [], roles: ALL, owner: 'prom-client' },
  {
    name: 'process_start_time_seconds',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'prom-client',
  },
  {
    name: 'nodejs_eventloop_lag_p99_seconds',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'prom-client',
  },
  {
    name: 'nodejs_heap_size_used_bytes',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'prom-client',
  },
  // every process
  {
    name: 'dh_build_info',
    type: 'gauge',
    labels: ['version'],
    roles: ALL,
    owner: 'libs/runtime/src/health/metrics.ts',
  },
  {
    name: 'dh_ready',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'libs/runtime/src/health/http-server.ts',
  },
  {
    name: 'dh_bus_up',
    type: 'gauge',
    labels: [],
    roles: ALL,
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  // The standalone's gateway thread (DH_GATEWAY_THREAD=worker, the default; docs/adr/0016)
  {
    name: 'dh_worker_bus_messages_total',
    type: 'counter',
    labels: ['direction'],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/gateway-thread.ts',
  },
  {
    name: 'dh_worker_bus_batches_total',
    type: 'counter',
    labels: ['direction'],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/gateway-thread.ts',
  },
  {
    name: 'dh_gateway_thread_event_loop_utilization',
    type: 'gauge',
    labels: [],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/gateway-thread.ts',
  },
  {
    name: 'dh_gateway_thread_heap_used_bytes',
    type: 'gauge',
    labels: [],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-worker.ts',
  },
  {
    name: 'dh_db_checkpoint_duration_seconds',
    type: 'histogram',
    labels: ['result'],
    roles: ['standalone'],
    owner: 'libs/devicehive/src/storage/pglite-client.ts',
  },
  {
    name: 'dh_gateway_thread_gc_duration_seconds',
    type: 'histogram',
    labels: ['kind'],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/thread-pauses.ts',
  },
  {
    name: 'dh_gateway_thread_eventloop_lag_p99_seconds',
    type: 'gauge',
    labels: [],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/thread-pauses.ts',
  },
  {
    name: 'dh_gateway_thread_eventloop_lag_max_seconds',
    type: 'gauge',
    labels: [],
    roles: ['standalone'],
    owner: 'apps/standalone/src/gateway-thread/thread-pauses.ts',
  },
  {
    name: 'dh_bus_errors_total',
    type: 'counter',
    labels: ['kind'],
    roles: ALL,
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  // MQTT (broker)
  {
    name: 'dh_mqtt_connections',
    type: 'gauge',
    labels: ['listener'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_connects_total',
    type: 'counter',
    labels: ['result'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_messages_received_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_messages_sent_total',
    type: 'counter',
    labels: ['qos'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_bytes_received_total',
    type: 'counter',
    labels: ['listener'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_bytes_sent_total',
    type: 'counter',
    labels: ['listener'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_messages_dropped_total',
    type: 'counter',
    labels: ['reason'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_messages_queued_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_messages_redelivered_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_broker_limit_hits_total',
    type: 'counter',
    labels: ['limit'],
    // Gateways with Redis too: the offline copies of their pushes (docs/adr/0021).
    roles: ALL,
    owner: 'libs/broker/src/limits/limit-metrics.ts',
  },
  // requests, as the broker sees them
  {
    name: 'dh_requests_total',
    type: 'counter',
    labels: ['action', 'status'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_request_duration_seconds',
    type: 'histogram',
    labels: ['action'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  { name: 'dh_requests_pending', type: 'gauge', labels: [], roles: BROKER, owner: BROKER_METRICS },
  {
    name: 'dh_backend_timeouts_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_backend_unavailable_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_requests_pipelined_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  // Reads paused before DH_MAX_PENDING_REQUESTS (docs/adr/0020)
  {
    name: 'dh_mqtt_read_pauses_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_read_paused_seconds_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_mqtt_connections_read_paused',
    type: 'gauge',
    labels: [],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  // DeviceHive's REST and WebSocket APIs (DH_API_PORT, docs/adr/0012)
  {
    name: 'dh_http_requests_total',
    type: 'counter',
    labels: ['route', 'status'],
    roles: BROKER,
    owner: API_METRICS,
  },
  {
    name: 'dh_http_request_duration_seconds',
    type: 'histogram',
    labels: ['route'],
    roles: BROKER,
    owner: API_METRICS,
  },
  {
    name: 'dh_api_ws_connections',
    type: 'gauge',
    labels: [],
    roles: BROKER,
    owner: API_METRICS,
  },
  {
    name: 'dh_api_ws_read_pauses_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: API_METRICS,
  },
  {
    name: 'dh_api_ws_read_paused_seconds_total',
    type: 'counter',
    labels: [],
    roles: BROKER,
    owner: API_METRICS,
  },
  {
    name: 'dh_api_ws_connections_read_paused',
    type: 'gauge',
    labels: [],
    roles: BROKER,
    owner: API_METRICS,
  },
  // pushes
  {
    name: 'dh_pushes_total',
    type: 'counter',
    labels: ['kind'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_pushes_denied_total',
    type: 'counter',
    labels: ['kind'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_push_latency_seconds',
    type: 'histogram',
    labels: ['kind'],
    roles: BROKER,
    owner: BROKER_METRICS,
  },
  {
    name: 'dh_command_origins',
    type: 'gauge',
    labels: [],
    roles: BROKER,
    owner: 'libs/broker/src/pushes/command-origins.ts',
  },
  // remote DeviceHive: the event stream (docs/adr/0015)
  ...(
    [
      ['dh_remote_events_total', 'counter', ['kind', 'source']],
      ['dh_remote_events_dropped_total', 'counter', ['reason']],
      ['dh_remote_stream_connected', 'gauge', []],
      ['dh_remote_stream_reconnects_total', 'counter', []],
      ['dh_remote_events_caught_up_total', 'counter', ['kind']],
      ['dh_remote_stream_gaps_total', 'counter', []],
      ['dh_remote_event_delivery_failures_total', 'counter', []],
    ] as const
  ).map(([name, type, labels]): MetricSpec => ({
    name,
    type,
    labels,
    roles: GATEWAY,
    when: 'remote',
    owner: REMOTE_STREAM_METRICS,
  })),
  // TLS
  {
    name: 'dh_tls_certificate_reloads_total',
    type: 'counter',
    labels: ['result'],
    roles: BROKER,
    when: 'tls',
    owner: 'libs/broker/src/transport/certificate-reloader.ts',
  },
  {
    name: 'dh_tls_certificate_expiry_timestamp_seconds',
    type: 'gauge',
    labels: [],
    roles: BROKER,
    when: 'tls',
    owner: 'libs/broker/src/transport/certificate-reloader.ts',
  },
  // gateway and database
  // The remote DeviceHive backend (docs/adr/0014)
  {
    name: 'dh_remote_requests_total',
    type: 'counter',
    labels: ['action', 'status'],
    roles: GATEWAY,
    when: 'remote',
    owner: REMOTE_METRICS,
  },
  {
    name: 'dh_remote_request_duration_seconds',
    type: 'histogram',
    labels: ['action'],
    roles: GATEWAY,
    when: 'remote',
    owner: REMOTE_METRICS,
  },
  {
    name: 'dh_gateway_actions_total',
    type: 'counter',
    labels: ['action', 'outcome'],
    roles: GATEWAY,
    owner: 'libs/gateway/src/metrics/gateway-metrics.ts',
  },
  {
    name: 'dh_gateway_ledger_refusals_total',
    type: 'counter',
    labels: [],
    roles: GATEWAY,
    owner: 'libs/gateway/src/metrics/gateway-metrics.ts',
  },
  {
    name: 'dh_db_statement_duration_seconds',
    type: 'histogram',
    labels: ['operation'],
    roles: GATEWAY,
    owner: 'libs/devicehive/src/storage/timed-sql-client.ts',
  },
  {
    name: 'dh_db_pool_connections',
    type: 'gauge',
    labels: ['state'],
    roles: GATEWAY,
    when: 'postgres',
    owner: 'libs/devicehive/src/storage/timed-sql-client.ts',
  },
  // cluster: the shared MQTT fabric and Kafka records (docs/adr/0008, 0009)
  {
    name: 'dh_fabric_messages_published_total',
    type: 'counter',
    labels: [],
    roles: ['broker'],
    when: 'redis',
    owner: 'apps/broker/src/broker-app.ts',
  },
  {
    name: 'dh_fabric_messages_received_total',
    type: 'counter',
    labels: [],
    roles: ['broker'],
    when: 'redis',
    owner: 'apps/broker/src/broker-app.ts',
  },
  {
    name: 'dh_kafka_records_produced_total',
    type: 'counter',
    labels: ['topic'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  {
    name: 'dh_kafka_records_consumed_total',
    type: 'counter',
    labels: ['topic'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  // docs/adr/0024: requests packed into the request topic's records
  {
    name: 'dh_kafka_packed_requests_total',
    type: 'counter',
    labels: ['direction'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  // docs/adr/0022: paced Kafka fetches and produce batches
  {
    name: 'dh_kafka_pacing_seconds_total',
    type: 'counter',
    labels: ['stage'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  // docs/adr/0021: pushes published by the gateway pods
  {
    name: 'dh_gateway_pushes_total',
    type: 'counter',
    labels: ['path'],
    roles: ['gateway'],
    when: 'redis',
    owner: 'libs/broker/src/cluster/fabric-publisher.ts',
  },
  // cluster: the reply path, Redis first and Kafka as the fallback (docs/adr/0013)
  {
    name: 'dh_replies_sent_total',
    type: 'counter',
    labels: ['path'],
    roles: ['gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  {
    name: 'dh_reply_fallbacks_total',
    type: 'counter',
    labels: ['reason'],
    roles: ['gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  {
    name: 'dh_reply_redis_publishes_total',
    type: 'counter',
    labels: [],
    roles: ['gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  {
    name: 'dh_replies_received_total',
    type: 'counter',
    labels: ['path'],
    roles: ['broker'],
    when: 'kafka',
    owner: 'libs/bus/src/kafka/kafka-bus-metrics.ts',
  },
  // cluster: kafkajs' instrumentation (libs/bus/src/metrics/bus-metrics.ts, KafkaMetrics)
  {
    name: 'dh_kafka_consumer_lag',
    type: 'gauge',
    labels: ['group', 'topic', 'partition'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  {
    name: 'dh_kafka_rebalances_total',
    type: 'counter',
    labels: ['group'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  {
    name: 'dh_kafka_fetches_total',
    type: 'counter',
    labels: ['group'],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  {
    name: 'dh_kafka_produce_duration_seconds',
    type: 'histogram',
    labels: [],
    roles: ['broker', 'gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  {
    name: 'dh_gateway_request_wait_seconds',
    type: 'histogram',
    labels: [],
    roles: ['gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  {
    name: 'dh_gateway_request_run_seconds',
    type: 'histogram',
    labels: [],
    roles: ['gateway'],
    when: 'kafka',
    owner: 'libs/bus/src/metrics/bus-metrics.ts',
  },
  // cluster: Redis (broker pods)
  {
    name: 'dh_redis_up',
    type: 'gauge',
    labels: [],
    roles: ['broker'],
    when: 'redis',
    owner: 'libs/broker/src/metrics/redis-metrics.ts',
  },
  {
    name: 'dh_redis_errors_total',
    type: 'counter',
    labels: ['role'],
    roles: ['broker'],
    when: 'redis',
    owner: 'libs/broker/src/metrics/redis-metrics.ts',
  },
  {
    name: 'dh_redis_reconnects_total',
    type: 'counter',
    labels: ['role'],
    roles: ['broker'],
    when: 'redis',
    owner: 'libs/broker/src/metrics/redis-metrics.ts',
  },
];

/**
 * Names the dashboard and the rules may query that no process exports yet: the cluster
 * performance work defines the fabric and Kafka record counters, and the Kafka client metrics
 * (`KafkaMetrics` of libs/bus/src/metrics/bus-metrics.ts) need the bus to hand it its kafkajs
 * consumers and producer. Each moves to {@link METRICS} when it is exported.
 */
export const PENDING_METRICS: readonly {
  name: string;
  waitsFor: string;
  histogram?: boolean;
}[] = [];

/** The scraped sample names of a family (`x_bucket`, `x_sum`, `x_count` for a histogram). */
export function sampleNamesOf(spec: Pick<MetricSpec, 'name' | 'type'>): string[] {
  return spec.type === 'histogram'
    ? [`${spec.name}_bucket`, `${spec.name}_sum`, `${spec.name}_count`]
    : [spec.name];
}

/**
 * The metric families a PromQL expression reads: every `dh_`, `process_` or `nodejs_` name,
 * with a histogram's `_bucket`, `_sum` or `_count` suffix taken off when the family is a
 * histogram of {@link METRICS}.
 */
export function metricsInPromQL(expr: string): string[] {
  const histograms = new Set([
    ...METRICS.filter((m) => m.type === 'histogram').map((m) => m.name),
    ...PENDING_METRICS.filter((m) => m.histogram).map((m) => m.name),
  ]);
  const names = new Set<string>();
  for (const [token] of expr.matchAll(/\b(?:dh|process|nodejs)_[a-zA-Z0-9_]*/g)) {
    const family = token.replace(/_(bucket|sum|count)$/, '');
    names.add(histograms.has(family) ? family : token);
  }
  return [...names];
}
