import { BUS_SCHEMA_VERSION } from './bus.port';

/**
 * A Kafka topic of the bus: declared once, here, with its key and value (CONTRIBUTING.md "Names").
 * The `.v1` suffix follows the value schema: a breaking change gets a new topic, never a new
 * meaning for an old one. Cards for operators: docs/kafka-topics.md.
 */
export interface KafkaTopicSpec {
  /** Topic name without the namespace prefix. */
  readonly name: string;
  /**
   * What the record key holds. It picks the partition, hence the ordering scope, except on the
   * request topic, whose producers pick the partition themselves (docs/adr/0024).
   */
  readonly key: string;
  /** What the record value holds (UTF-8 JSON). */
  readonly value: string;
  /** Partitions created when the bus creates the topic. */
  readonly defaultPartitions: number;
  /** `retention.ms` set when the bus creates the topic; undefined = the broker's default. */
  readonly retentionMs: number | undefined;
}

const HOUR_MS = 3_600_000;

/** The topics of the broker↔gateway bus (docs/architecture.md). */
export const KAFKA_TOPICS = {
  /**
   * Broker → gateway (docs/adr/0024). Partition: a hash of the MQTT client id, so one client's
   * requests share a partition and are handled in order (docs/topics/request.md). Value: a JSON
   * array of `RequestEnvelope`s, the requests one broker pod sent to that partition in one produce
   * batch, in the order it sent them. Key: the first one's client id. Headers: schema, broker id,
   * reply partition. Requests outlive their deadline by far less than an hour.
   */
  requests: {
    name: 'dh.requests.v2',
    key: 'MQTT client id of the first request',
    value: 'RequestEnvelope[]',
    defaultPartitions: 12,
    retentionMs: HOUR_MS,
  },
  /**
   * Gateway → the broker that sent the request, on the partition named by the request's
   * `dh-reply-partition` header (docs/adr/0005-reply-routing-over-kafka.md). Key: MQTT client id.
   * Value: `ReplyEnvelope`, or `ReplyFailure` when the `dh-failure` header is set.
   */
  replies: {
    name: 'dh.replies.v1',
    key: 'MQTT client id',
    value: 'ReplyEnvelope | ReplyFailure',
    defaultPartitions: 32,
    retentionMs: HOUR_MS,
  },
  /**
   * Gateway → any consumer (a product feature, docs/architecture.md): every device notification,
   * command and command update; nothing when the gateways run with `DH_KAFKA_EVENT_FEED=false`
   * (docs/adr/0025). Key: device id, so each device's events keep their order across
   * the three kinds. Value: `DeviceEvent`; header `dh-event-kind` repeats its `kind` for consumers
   * that filter without parsing, `dh-pushed` says whether the gateway published its push.
   */
  events: {
    name: 'dh.events.v1',
    key: 'device id',
    value: 'DeviceEvent',
    defaultPartitions: 12,
    retentionMs: undefined,
  },
  /**
   * Gateway → broker group: only the events whose push the gateway did not publish into the MQTT
   * fabric itself (docs/adr/0021: no Redis, Redis down or slow, a remote DeviceHive's events). One
   * broker pod publishes each. Same key, value and headers as `dh.events.v1`; empty while every
   * gateway pushes.
   */
  pushes: {
    name: 'dh.pushes.v1',
    key: 'device id',
    value: 'DeviceEvent',
    defaultPartitions: 12,
    retentionMs: undefined,
  },
} as const satisfies Record<string, KafkaTopicSpec>;

export type KafkaTopicRole = keyof typeof KAFKA_TOPICS;

/** Every topic of the bus, in declaration order: what a bus end creates and counts. */
export const KAFKA_TOPIC_ROLES = Object.keys(KAFKA_TOPICS) as readonly KafkaTopicRole[];

/** Record headers of the bus (values are UTF-8 strings). */
export const KAFKA_HEADERS = {
  /** Every record: the envelope schema version, `BUS_SCHEMA_VERSION`. */
  schema: 'dh-schema',
  /**
   * Requests (docs/adr/0024): how many requests the record's value carries, for consumers that
   * count without parsing (the gateway's fetch pacing).
   */
  count: 'dh-count',
  /** Requests and replies: the broker pod that waits for the reply. */
  brokerId: 'dh-broker-id',
  /** Requests: the partition of `dh.replies.v1` the sending broker reads. */
  replyPartition: 'dh-reply-partition',
  /** Replies: an error code (`DH_ERR_*`) instead of a reply envelope. */
  failure: 'dh-failure',
  /** Events: the event kind (`notification/insert`, `command/insert`, `command/update`). */
  eventKind: 'dh-event-kind',
  /**
   * `dh.events.v1`: `1` when the gateway published the event's push into the MQTT fabric itself,
   * `0` when it left it to the broker group, which then reads it from `dh.pushes.v1`
   * (docs/adr/0021).
   */
  pushed: 'dh-pushed',
} as const;

/**
 * Leases (docs/kafka-topics.md): a one-partition topic that never carries a record; the member of
 * the lease's consumer group that Kafka assigns the partition to holds the lease. Used where
 * exactly one pod of a deployment may run something: the remote DeviceHive event stream
 * (docs/adr/0015), whose events would otherwise reach the event topic once per pod.
 */
export const KAFKA_LEASES = {
  remoteEvents: {
    name: 'dh.remote-events-lease.v1',
    group: 'dh.remote-events-lease.v1',
    defaultPartitions: 1,
  },
} as const satisfies Record<string, { name: string; group: string; defaultPartitions: 1 }>;

/** The value of the `dh-schema` header this code writes and accepts. */
export const KAFKA_SCHEMA_HEADER_VALUE = String(BUS_SCHEMA_VERSION);

/** Consumer groups of the bus. */
/** Prefix of the per-process reply groups, and their consumer-metrics label (bounded). */
export const BROKER_REPLIES_GROUP = 'dh.broker.replies.v1';

export const KAFKA_GROUPS = {
  /** All gateway pods: each request is handled by one gateway. */
  gatewayRequests: 'dh.gateway.requests.v2',
  /** All broker pods, on `dh.pushes.v1`: each event there is published into the fabric by one. */
  brokerPushes: 'dh.broker.pushes.v1',
  /**
   * One short-lived group per broker process, pinned to its reply partition (ADR 0005). It never
   * commits offsets, so Kafka forgets it soon after the process stops.
   */
  brokerReplies: (brokerId: string, instanceId: string): string =>
    `${BROKER_REPLIES_GROUP}.${brokerId}.${instanceId}`,
} as const;

/**
 * The value of a `dh.replies.v1` record with a `dh-failure` header: the gateway could not produce
 * a reply envelope (its handler threw), and the broker answers with that error at once.
 */
export interface ReplyFailure {
  v: typeof BUS_SCHEMA_VERSION;
  id: string;
  clientId: string;
  brokerId: string;
  code: string;
}

/** The full topic or group name under `namespace` (default none; tests use one per test). */
export function namespaced(namespace: string, name: string): string {
  return `${namespace}${name}`;
}
