import type { Logger } from '@dh-mqtt/runtime';
import type { Admin, Kafka, Producer } from 'kafkajs';
import {
  CLIENT_RETRY,
  createKafkaClient,
  PRODUCER_CONFIG,
  type KafkaBusCounters,
  type ResolvedKafkaBusOptions,
} from './kafka-bus-options';
import { KAFKA_TOPIC_ROLES, type KafkaTopicRole } from '../kafka-topics';
import { startWithRetry, type StartRetryOptions } from './start-retry';
import { ensureTopics, topicOf } from './topic-admin';

/** The full names of the topics both ends of the bus use (ADR 0005, ADR 0021), by role. */
export function busTopics(opts: ResolvedKafkaBusOptions): Record<KafkaTopicRole, string> {
  return Object.fromEntries(KAFKA_TOPIC_ROLES.map((role) => [role, topicOf(opts, role)])) as Record<
    KafkaTopicRole,
    string
  >;
}

/**
 * The Kafka client of one bus end and its admin and producer. Each is kept as soon as it is
 * created, before it connects, so that `disconnect()` after a failed attempt also closes it.
 */
export class KafkaClients {
  admin: Admin | undefined;
  producer: Producer | undefined;
  private client: Kafka | undefined;

  constructor(
    private readonly opts: ResolvedKafkaBusOptions,
    private readonly logger: Logger,
  ) {}

  /** The kafkajs client, created on first use. */
  kafka(): Kafka {
    this.client ??= createKafkaClient(this.opts, this.logger);
    return this.client;
  }

  /** Connects the admin and makes sure the bus topics exist. */
  async connectAdmin(): Promise<Admin> {
    const admin = this.kafka().admin({ retry: CLIENT_RETRY });
    this.admin = admin;
    await admin.connect();
    await ensureTopics(admin, this.opts, KAFKA_TOPIC_ROLES, this.logger);
    return admin;
  }

  async connectProducer(): Promise<Producer> {
    const producer = this.kafka().producer(PRODUCER_CONFIG);
    this.opts.kafkaMetrics?.instrumentProducer(producer);
    this.producer = producer;
    await producer.connect();
    return producer;
  }

  /** Forgets the producer and admin and disconnects both; their failures are ignored. */
  async disconnect(): Promise<void> {
    const clients = [this.producer, this.admin];
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all(clients.map((c) => c?.disconnect().catch(() => undefined)));
  }
}

/** The start retry settings of a bus end: its backoff, stopped by `signal`, failures counted. */
export function retrySettings(
  opts: ResolvedKafkaBusOptions,
  logger: Logger,
  signal: AbortSignal,
  counters: KafkaBusCounters,
): Omit<StartRetryOptions, 'attempt' | 'undo'> {
  return {
    ...opts.startRetry,
    logger,
    brokers: opts.brokers,
    signal,
    onFailure: () => void (counters.connectFailures += 1),
  };
}

/**
 * Starts a consumer added after `start()` in the background, retrying like `start()` does; the
 * bus's readiness shows whether it got there, so a give-up on close is not an error.
 */
export function retryInBackground(
  attempt: () => Promise<void>,
  undo: () => Promise<void>,
  settings: Omit<StartRetryOptions, 'attempt' | 'undo'>,
): void {
  void startWithRetry({ attempt, undo, ...settings }).catch(() => undefined);
}
