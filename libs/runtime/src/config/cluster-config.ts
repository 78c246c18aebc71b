import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { ConfigError, EnvReader, type Env } from './env-reader';

/** What the cluster roles read beyond their own config (DESIGN.md §6, cluster column). */
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
  };
}
