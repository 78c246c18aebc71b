import type { Logger } from '@dh-mqtt/runtime';
import type { Admin, Kafka } from 'kafkajs';
import { namespaced } from '../kafka-topics';
import { GroupConsumer } from './group-consumer';
import {
  CLIENT_RETRY,
  createKafkaClient,
  resolveOptions,
  type KafkaBusOptions,
} from './kafka-bus-options';
import { createTopicWithLeaders } from './topic-admin';

export interface KafkaLeaseOptions extends KafkaBusOptions {
  logger: Logger;
  /** The lease's topic and group (`KAFKA_LEASES`), before the namespace. */
  lease: { name: string; group: string };
  /** Called when this pod got the lease; the next `onReleased` waits for it to settle. */
  onAcquired(): Promise<void> | void;
  /** Called when this pod lost the lease (rebalance, Kafka unreachable, stop). */
  onReleased(): Promise<void> | void;
}

/** A lease held by at most one member of a group at a time, as long as Kafka says so. */
export interface KafkaLease {
  /** Joins the lease's group (creating its topic when missing); resolves once joined. */
  start(): Promise<void>;
  /** True while this pod holds the lease. */
  held(): boolean;
  /** Leaves the group, releasing the lease first when held. */
  stop(): Promise<void>;
}

/**
 * One holder per deployment through a Kafka consumer group (docs/adr/0015): every pod joins the
 * group of a one-partition topic; the one assigned partition 0 holds the lease. A rebalance that
 * moves the partition, or the holder losing its group membership (Kafka unreachable, a stalled
 * process past the session timeout), releases it; another member gets it at the next rebalance,
 * after the session timeout at the latest. Kafka's group protocol gives no fencing: a holder that
 * cannot reach Kafka learns it lost the lease only when its consumer fails, so two pods may hold
 * it for up to about a session timeout; the lease's users make that harmless (the event stream's
 * duplicates are dropped by the brokers' content-hash dedup).
 */
export function createKafkaLease(options: KafkaLeaseOptions): KafkaLease {
  const opts = resolveOptions(options, 'dh-lease');
  const { logger } = options;
  const topic = namespaced(opts.namespace, options.lease.name);
  const groupId = namespaced(opts.namespace, options.lease.group);
  let kafka: Kafka | undefined;
  let consumer: GroupConsumer | undefined;
  let holding = false;
  // Acquire and release run one after the other, in the order the group changed.
  let transitions: Promise<void> = Promise.resolve();

  const change = (hold: boolean, reason: string) => {
    if (hold === holding) return;
    holding = hold;
    logger.info({ lease: options.lease.name, reason }, hold ? 'lease acquired' : 'lease released');
    transitions = transitions.then(async () => {
      try {
        await (hold ? options.onAcquired() : options.onReleased());
      } catch (err) {
        logger.error({ err, lease: options.lease.name }, 'lease callback failed');
      }
    });
  };

  async function ensureTopic(admin: Admin): Promise<void> {
    if (!opts.createTopics) return;
    if ((await admin.listTopics()).includes(topic)) return;
    // Led before the group joins.
    await createTopicWithLeaders(admin, {
      topic,
      numPartitions: 1,
      replicationFactor: opts.replicationFactor,
    });
  }

  return {
    async start() {
      kafka ??= createKafkaClient(opts, logger);
      const admin = kafka.admin({ retry: CLIENT_RETRY });
      await admin.connect();
      try {
        await ensureTopic(admin);
      } finally {
        await admin.disconnect();
      }
      const group = new GroupConsumer({
        kafka,
        logger,
        groupId,
        topic,
        fromBeginning: false,
        commits: 'caller',
        sessionTimeoutMs: opts.sessionTimeoutMs,
        maxFetchWaitMs: opts.maxFetchWaitMs,
        restartDelay: opts.startRetry,
        eachMessage: async () => undefined, // the topic carries no records
        onJoin: (partitions) => change(partitions.includes(0), 'rebalance'),
        // Eager rebalancing revokes every partition: let go before the group re-forms, so that
        // the next holder does not start while this one still runs.
        onRebalancing: () => change(false, 'rebalancing'),
        onStateChange: () => {
          if (!group.joined) change(false, 'left the group');
        },
      });
      consumer = group;
      await group.start();
    },
    held: () => holding,
    async stop() {
      change(false, 'stop');
      await consumer?.stop();
      consumer = undefined;
      await transitions;
    },
  };
}
