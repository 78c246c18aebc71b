import type { KafkaInstrumentation } from '../metrics/bus-metrics';
import {
  DEFAULT_KAFKA_FETCH_INTERVAL_MS,
  DEFAULT_KAFKA_PRODUCE_INTERVAL_MS,
  type Logger,
} from '@dh-mqtt/runtime';
import {
  Kafka,
  logLevel,
  type ISocketFactory,
  type logCreator,
  type ProducerConfig,
  type RetryOptions,
  type SASLOptions,
} from 'kafkajs';
import { KeyHashPartitioner } from './key-partitioner';
import { KAFKA_TOPIC_ROLES, type KafkaTopicRole } from '../kafka-topics';
import { fixKafkajsIdleTimerLoop } from './kafkajs-request-queue';
import { noDelaySocketFactory } from './kafka-socket';

/** Settings shared by both ends of the Kafka bus. */
export interface KafkaBusOptions {
  /** Bootstrap servers, `host:port` (DH_KAFKA_BROKERS). */
  brokers: readonly string[];
  /** kafkajs client id, shown in Kafka's logs and metrics (default `dh-broker` / `dh-gateway`). */
  clientId?: string;
  /**
   * Prefix of every topic and group name (default ''): several deployments on one Kafka, and
   * one isolated bus per test.
   */
  namespace?: string;
  logger?: Logger;
  /** Create missing topics at start (default true); false when operators manage topics. */
  createTopics?: boolean;
  /** Partitions of topics the bus creates (defaults in KAFKA_TOPICS). */
  partitions?: Partial<Record<KafkaTopicRole, number>>;
  /** Replication factor of topics the bus creates (default -1: the broker's default). */
  replicationFactor?: number;
  /** Start-up retry while Kafka is unreachable: first delay and cap, in ms (250 / 10 000). */
  startRetry?: { initialMs?: number; maxMs?: number };
  /** TCP connect timeout in ms (default 3 000). */
  connectionTimeoutMs?: number;
  /**
   * Longest wait of a consumer fetch in ms (default 1 000): bounds how long close() waits for a
   * fetch in flight; a fetch returns as soon as records arrive whatever this says.
   */
  maxFetchWaitMs?: number;
  /**
   * Shortest time in ms from the start of a consumer fetch that returned records to the start of
   * the next one (default {@link DEFAULT_KAFKA_FETCH_INTERVAL_MS}; 0: fetch again at once).
   * Records that arrive in between come back in one fetch (docs/adr/0022).
   */
  fetchIntervalMs?: number;
  /**
   * Shortest time in ms from one produce batch leaving to the next (default
   * {@link DEFAULT_KAFKA_PRODUCE_INTERVAL_MS}; 0: as soon as the previous one is acknowledged).
   */
  produceIntervalMs?: number;
  /** Consumer group session timeout in ms (default 30 000; Kafka accepts 6 000 and more). */
  sessionTimeoutMs?: number;
  /** How kafkajs opens its TCP/TLS sockets (default: kafkajs' own); tests inject outages here. */
  socketFactory?: ISocketFactory;
  /** TLS to the Kafka brokers (`DH_KAFKA_SSL`), verified against `ca` or the system CAs. */
  ssl?: { ca?: string };
  /** SASL authentication (`DH_KAFKA_SASL_*`). */
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  /**
   * Kafka client metrics (consumer lag, rebalances, produce latency) from kafkajs'
   * instrumentation events: a `KafkaMetrics` on the pod's registry (docs/operations.md).
   */
  kafkaMetrics?: KafkaInstrumentation;
  /**
   * Replies between gateway and broker pods through Redis sharded pub/sub, Kafka staying the
   * fallback (ADR 0013; `DH_REDIS_URL`); unset = every reply over Kafka (ADR 0005).
   */
  redisReplies?: RedisRepliesOptions;
}

/** Where the Redis of {@link KafkaBusOptions.redisReplies} is and how long to wait for it. */
export interface RedisRepliesOptions {
  /** `redis://` or `rediss://` URL, credentials and db index allowed (`DH_REDIS_URL`). */
  url: string;
  /**
   * Gateway: how long a `SPUBLISH` may take before its replies go over Kafka instead
   * (default 1 000 ms).
   */
  commandTimeoutMs?: number;
  /** Reconnect backoff in ms (default 200 doubling up to 5 000). */
  retry?: { initialMs?: number; maxMs?: number };
}

/** What the bus counted since it was created (malformed records are skipped, never retried). */
export interface KafkaBusCounters {
  /** Records skipped because their headers or JSON value do not match the schema. */
  malformed: number;
  /** Replies for a request this broker no longer waits for (timed out, or sent before a restart). */
  orphanReplies: number;
  /** Replies for another broker that shares this broker's reply partition (ADR 0005). */
  foreignReplies: number;
  /** Requests the gateway dropped because their deadline had passed (the broker answered 503). */
  expiredRequests: number;
  /** Event handlers or request handlers that threw. */
  handlerErrors: number;
  /** Records Kafka did not accept (a request or event that failed with 503, a lost reply). */
  produceErrors: number;
  /** Failed attempts to connect at start or after a consumer failed for good. */
  connectFailures: number;
  /** Records Kafka accepted from this end, per topic of the bus. */
  produced: Record<KafkaTopicRole, number>;
  /**
   * Requests in the request topic's records (docs/adr/0024): `produced` in the records Kafka
   * accepted from this broker, `consumed` in those this gateway read. Divided by the records of
   * `produced.requests` / `consumed.requests`: the packing.
   */
  packedRequests: { produced: number; consumed: number };
  /**
   * Records this end's consumers were handed, per topic (malformed ones and replies for another
   * broker sharing the partition included: what this pod reads, not what it uses).
   */
  consumed: Record<KafkaTopicRole, number>;
  /** Replies by the path they took (ADR 0013). */
  replies: ReplyCounters;
  /** Time fetches and produce batches were held to batch more records, in ms (ADR 0022). */
  pacingMs: { fetch: number; produce: number };
}

/** Why a gateway sent a reply over Kafka although it has Redis replies (ADR 0013). */
export type ReplyFallbackReason = 'no_receiver' | 'redis_error' | 'redis_down';

export interface ReplyCounters {
  /** Gateway: replies handed to the owning pod, by path (`redis`: a subscriber got it). */
  sent: { redis: number; kafka: number };
  /** Gateway: replies sent over Kafka because Redis could not deliver them, by reason. */
  fallbacks: Record<ReplyFallbackReason, number>;
  /** Gateway: Redis `SPUBLISH` commands sent (each carries one or more replies). */
  redisPublishes: number;
  /** Broker: replies received, by path (duplicates and orphans included). */
  received: { redis: number; kafka: number };
}

function perTopic(): Record<KafkaTopicRole, number> {
  return Object.fromEntries(KAFKA_TOPIC_ROLES.map((role) => [role, 0])) as Record<
    KafkaTopicRole,
    number
  >;
}

/** A copy of `counters` that later counting does not change. */
export function snapshotCounters(counters: KafkaBusCounters): KafkaBusCounters {
  const { replies } = counters;
  return {
    ...counters,
    produced: { ...counters.produced },
    packedRequests: { ...counters.packedRequests },
    consumed: { ...counters.consumed },
    replies: {
      sent: { ...replies.sent },
      fallbacks: { ...replies.fallbacks },
      redisPublishes: replies.redisPublishes,
      received: { ...replies.received },
    },
  };
}

export function emptyCounters(): KafkaBusCounters {
  return {
    malformed: 0,
    orphanReplies: 0,
    foreignReplies: 0,
    expiredRequests: 0,
    handlerErrors: 0,
    produceErrors: 0,
    connectFailures: 0,
    produced: perTopic(),
    packedRequests: { produced: 0, consumed: 0 },
    consumed: perTopic(),
    replies: {
      sent: { redis: 0, kafka: 0 },
      fallbacks: { no_receiver: 0, redis_error: 0, redis_down: 0 },
      redisPublishes: 0,
      received: { redis: 0, kafka: 0 },
    },
    pacingMs: { fetch: 0, produce: 0 },
  };
}

/** Options with their defaults filled in. */
export interface ResolvedKafkaBusOptions {
  brokers: string[];
  clientId: string;
  namespace: string;
  createTopics: boolean;
  partitions: Partial<Record<KafkaTopicRole, number>>;
  replicationFactor: number;
  startRetry: { initialMs: number; maxMs: number };
  connectionTimeoutMs: number;
  maxFetchWaitMs: number;
  fetchIntervalMs: number;
  produceIntervalMs: number;
  sessionTimeoutMs: number;
  socketFactory: ISocketFactory | undefined;
  ssl: KafkaBusOptions['ssl'];
  sasl: KafkaBusOptions['sasl'];
  kafkaMetrics: KafkaBusOptions['kafkaMetrics'];
  redisReplies: KafkaBusOptions['redisReplies'];
}

export function resolveOptions(
  options: KafkaBusOptions,
  defaultClientId: string,
): ResolvedKafkaBusOptions {
  if (options.brokers.length === 0) throw new Error('the Kafka bus needs at least one broker');
  return {
    brokers: [...options.brokers],
    clientId: options.clientId ?? defaultClientId,
    namespace: options.namespace ?? '',
    createTopics: options.createTopics ?? true,
    partitions: options.partitions ?? {},
    replicationFactor: options.replicationFactor ?? -1,
    startRetry: {
      initialMs: options.startRetry?.initialMs ?? 250,
      maxMs: options.startRetry?.maxMs ?? 10_000,
    },
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    maxFetchWaitMs: options.maxFetchWaitMs ?? 1_000,
    fetchIntervalMs: options.fetchIntervalMs ?? DEFAULT_KAFKA_FETCH_INTERVAL_MS,
    produceIntervalMs: options.produceIntervalMs ?? DEFAULT_KAFKA_PRODUCE_INTERVAL_MS,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    socketFactory: options.socketFactory,
    ssl: options.ssl,
    sasl: options.sasl,
    kafkaMetrics: options.kafkaMetrics,
    redisReplies: options.redisReplies,
  };
}

/**
 * Consumers and the admin client fail fast: the bus's own start-up loop and kafkajs' consumer
 * restart own the long retries, so an unreachable Kafka is reported within seconds.
 */
export const CLIENT_RETRY: RetryOptions = {
  retries: 3,
  initialRetryTime: 200,
  maxRetryTime: 2_000,
};

/**
 * Producer settings for no loss (docs/kafka-topics.md "Producer settings"): acks=-1 on every send;
 * kafkajs' idempotent producer (a retried batch is written once, per partition and producer
 * session) with maxInFlightRequests=1, which kafkajs needs to keep the order. Retries are bounded
 * so that a send to a Kafka that is down fails within seconds and the caller answers 503, instead
 * of queueing without end; once they are exhausted the send is reported failed, never dropped
 * silently.
 */
export const PRODUCER_CONFIG: ProducerConfig = {
  // The Java client's murmur2 mapping, so keys land where Java producers put them (kafkajs 2's
  // default partitioner's, computed without its 64-bit emulation; naming one also keeps kafkajs
  // from warning about its change from kafkajs 1 at every start).
  createPartitioner: KeyHashPartitioner,
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
};

/** Acknowledgement of every send: all in-sync replicas. */
export const ACKS_ALL = -1;

/** The kafkajs warning PRODUCER_CONFIG triggers on purpose (logged at debug, not warn). */
const EXPECTED_WARNING =
  'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** kafkajs' log lines through the bus's logger (kafkajs' info is chatty: debug here). */
function logCreatorFor(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...fields } = log;
      const line = { kafkajs: namespace, ...fields };
      if (level === logLevel.ERROR) logger.error(line, message);
      else if (level === logLevel.WARN && message !== EXPECTED_WARNING) logger.warn(line, message);
      else if (level === logLevel.WARN || level === logLevel.INFO) logger.debug(line, message);
      else logger.trace(line, message);
    };
}

export function createKafkaClient(options: ResolvedKafkaBusOptions, logger: Logger): Kafka {
  fixKafkajsIdleTimerLoop();
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs,
    requestTimeout: 10_000,
    retry: CLIENT_RETRY,
    socketFactory: noDelaySocketFactory(options.socketFactory),
    ...(options.ssl ? { ssl: options.ssl.ca ? { ca: [options.ssl.ca] } : true } : {}),
    ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
    // kafkajs builds a log entry per request at DEBUG: only ask for what the logger keeps.
    logLevel: logger.isLevelEnabled('trace')
      ? logLevel.DEBUG
      : logger.isLevelEnabled('debug')
        ? logLevel.INFO
        : logLevel.WARN,
    logCreator: logCreatorFor(logger),
  });
}
