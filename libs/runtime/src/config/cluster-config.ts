import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, EnvReader, type Env } from './env-reader';

/** What the cluster roles read beyond their own config (docs/design.md, cluster column). */
export interface ClusterConfig {
  /**
   * `DH_BROKER_ID`: this broker pod's id (aedes id, reply routing, Redis connection names).
   * Must be unique among live pods; default `<hostname>-<8 random hex>`, new at every start.
   */
  brokerId: string;
  /** `DH_KAFKA_NAMESPACE`: prefix of every Kafka topic and group (default none). */
  kafkaNamespace: string;
  /**
   * `DH_KAFKA_SESSION_TIMEOUT_MS` (6 000–300 000, default 30 000): how long Kafka waits for a
   * silent (killed) pod before giving its partitions to the others.
   */
  kafkaSessionTimeoutMs: number;
  /**
   * `DH_KAFKA_FETCH_INTERVAL_MS` (0–100, default 5): shortest time from the start of a Kafka
   * fetch that returned records to the start of the next one (docs/adr/0022); 0 fetches again
   * at once.
   */
  kafkaFetchIntervalMs: number;
  /**
   * `DH_KAFKA_PRODUCE_INTERVAL_MS` (0–100, default 2): shortest time from one produce batch
   * leaving to the next (docs/adr/0022); 0 sends as soon as the previous one is acknowledged.
   */
  kafkaProduceIntervalMs: number;
  /**
   * `DH_KAFKA_PARTITIONS` (`requests=4,events=4`): partitions of the topics the pods create
   * when they are missing (default: `libs/bus/src/kafka-topics.ts`, 12 for the requests and
   * events, 32 for the replies). A topic that exists keeps its own.
   */
  kafkaPartitions: Partial<Record<KafkaPartitionedTopic, number>>;
  /**
   * `DH_KAFKA_EVENT_FEED` (`true`|`false`, default true): gateways write every device event to
   * `dh.events.v1` for the operator's services. `false` when nothing reads it: an insert then
   * costs less and waits for one Kafka acknowledgement less (docs/adr/0025).
   */
  kafkaEventFeed: boolean;
  /** How the pods authenticate to Kafka and encrypt the connection; unset = plaintext, none. */
  kafkaSecurity: KafkaSecurity;
}

/**
 * The bus topics whose partitions `DH_KAFKA_PARTITIONS` sets: the bus's topic roles, named here
 * because the bus depends on the runtime (its topic spec checks that the two lists agree).
 */
export const KAFKA_PARTITIONED_TOPICS = ['requests', 'replies', 'events', 'pushes'] as const;
export type KafkaPartitionedTopic = (typeof KAFKA_PARTITIONED_TOPICS)[number];

/** Kafka's own bound is higher; more than this on one topic is a typo, not a plan. */
const MAX_PARTITIONS = 10_000;

function readKafkaPartitions(reader: EnvReader): ClusterConfig['kafkaPartitions'] {
  const raw = reader.optionalString('DH_KAFKA_PARTITIONS');
  const partitions: ClusterConfig['kafkaPartitions'] = {};
  if (raw === undefined) return partitions;
  for (const item of raw.split(',')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+)\s*$/.exec(item);
    const topic = match?.[1] as KafkaPartitionedTopic | undefined;
    const count = Number(match?.[2]);
    if (!match || !KAFKA_PARTITIONED_TOPICS.includes(topic as KafkaPartitionedTopic)) {
      throw new ConfigError(
        'DH_KAFKA_PARTITIONS',
        `must be topic=count pairs, separated by commas, of ${KAFKA_PARTITIONED_TOPICS.join(', ')}`,
      );
    }
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_PARTITIONS) {
      throw new ConfigError('DH_KAFKA_PARTITIONS', `${topic}: must be 1-${MAX_PARTITIONS}`);
    }
    if (partitions[topic as KafkaPartitionedTopic] !== undefined) {
      throw new ConfigError('DH_KAFKA_PARTITIONS', `names ${topic} twice`);
    }
    partitions[topic as KafkaPartitionedTopic] = count;
  }
  return partitions;
}

/** Default of `DH_KAFKA_FETCH_INTERVAL_MS` and of the Kafka bus's `fetchIntervalMs`. */
export const DEFAULT_KAFKA_FETCH_INTERVAL_MS = 5;
/** Default of `DH_KAFKA_PRODUCE_INTERVAL_MS` and of the Kafka bus's `produceIntervalMs`. */
export const DEFAULT_KAFKA_PRODUCE_INTERVAL_MS = 2;

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** `DH_KAFKA_SSL*` and `DH_KAFKA_SASL_*`. */
export interface KafkaSecurity {
  /**
   * `DH_KAFKA_SSL=true`: TLS to every Kafka broker, verified against the system CAs or the PEM
   * bundle of `DH_KAFKA_SSL_CA` (read at start, `ca`); unset = plaintext.
   */
  ssl: { ca: string | undefined } | undefined;
  /**
   * `DH_KAFKA_SASL_MECHANISM` (`plain`, `scram-sha-256`, `scram-sha-512`) with
   * `DH_KAFKA_SASL_USERNAME` and `DH_KAFKA_SASL_PASSWORD` (secret); unset = no SASL.
   */
  sasl: { mechanism: KafkaSaslMechanism; username: string; password: string } | undefined;
}

function readKafkaSecurity(reader: EnvReader): KafkaSecurity {
  const sslOn = reader.oneOf('DH_KAFKA_SSL', ['true', 'false'], 'false') === 'true';
  const caPath = reader.optionalString('DH_KAFKA_SSL_CA');
  if (caPath !== undefined && !sslOn) {
    throw new ConfigError('DH_KAFKA_SSL_CA', 'is set but DH_KAFKA_SSL is not true');
  }
  let ca: string | undefined;
  if (caPath !== undefined) {
    try {
      ca = readFileSync(caPath, 'utf8');
    } catch {
      throw new ConfigError('DH_KAFKA_SSL_CA', 'names a file that cannot be read');
    }
  }
  const mechanism = reader.optionalString('DH_KAFKA_SASL_MECHANISM');
  const username = reader.optionalString('DH_KAFKA_SASL_USERNAME');
  const password = reader.optionalSecret('DH_KAFKA_SASL_PASSWORD');
  let sasl: KafkaSecurity['sasl'];
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigError('DH_KAFKA_SASL_MECHANISM', 'must be set with a SASL user and password');
    }
  } else {
    const chosen = reader.oneOf('DH_KAFKA_SASL_MECHANISM', KAFKA_SASL_MECHANISMS, 'plain');
    if (username === undefined) {
      throw new ConfigError('DH_KAFKA_SASL_USERNAME', 'must be set with DH_KAFKA_SASL_MECHANISM');
    }
    if (password === undefined) {
      throw new ConfigError('DH_KAFKA_SASL_PASSWORD', 'must be set with DH_KAFKA_SASL_MECHANISM');
    }
    sasl = { mechanism: chosen, username, password };
  }
  return { ssl: sslOn ? { ca } : undefined, sasl };
}

const ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Reads the {@link ClusterConfig}. Throws {@link ConfigError} naming a bad variable. */
export function loadClusterConfig(env: Env = process.env): ClusterConfig {
  const reader = new EnvReader(env);
  const brokerId =
    reader.optionalString('DH_BROKER_ID') ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
  if (!ID.test(brokerId)) {
    throw new ConfigError('DH_BROKER_ID', 'must be 1-100 characters of A-Z a-z 0-9 . _ -');
  }
  const kafkaNamespace = reader.string('DH_KAFKA_NAMESPACE', '');
  if (kafkaNamespace !== '' && !ID.test(kafkaNamespace)) {
    throw new ConfigError('DH_KAFKA_NAMESPACE', 'must be 1-100 characters of A-Z a-z 0-9 . _ -');
  }
  return {
    brokerId,
    kafkaNamespace,
    kafkaSessionTimeoutMs: reader.integer('DH_KAFKA_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
    kafkaFetchIntervalMs: reader.integer(
      'DH_KAFKA_FETCH_INTERVAL_MS',
      DEFAULT_KAFKA_FETCH_INTERVAL_MS,
      0,
      100,
    ),
    kafkaProduceIntervalMs: reader.integer(
      'DH_KAFKA_PRODUCE_INTERVAL_MS',
      DEFAULT_KAFKA_PRODUCE_INTERVAL_MS,
      0,
      100,
    ),
    kafkaPartitions: readKafkaPartitions(reader),
    kafkaEventFeed: reader.boolean('DH_KAFKA_EVENT_FEED', true),
    kafkaSecurity: readKafkaSecurity(reader),
  };
}
