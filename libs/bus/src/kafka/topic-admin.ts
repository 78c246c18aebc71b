import type { Admin } from 'kafkajs';
import type { Logger } from '@dh-mqtt/runtime';
import { KAFKA_TOPICS, namespaced, type KafkaTopicRole } from '../kafka-topics';
import type { ResolvedKafkaBusOptions } from './kafka-bus-options';

/** The full name of a bus topic under the bus's namespace. */
export function topicOf(options: ResolvedKafkaBusOptions, role: KafkaTopicRole): string {
  return namespaced(options.namespace, KAFKA_TOPICS[role].name);
}

/**
 * Creates the bus topics that do not exist yet (no-op when `createTopics` is off) and logs each
 * with its partitions. Creating an existing topic is not an error, so several pods may start at
 * once (only the pod that created it logs).
 */
export async function ensureTopics(
  admin: Admin,
  options: ResolvedKafkaBusOptions,
  roles: readonly KafkaTopicRole[],
  logger?: Logger,
): Promise<void> {
  if (!options.createTopics) return;
  const existing = new Set(await admin.listTopics());
  const missing = roles.filter((role) => !existing.has(topicOf(options, role)));
  if (missing.length === 0) return;
  const partitionsOf = (role: KafkaTopicRole) =>
    options.partitions[role] ?? KAFKA_TOPICS[role].defaultPartitions;
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((role) => {
      const spec = KAFKA_TOPICS[role];
      return {
        topic: topicOf(options, role),
        numPartitions: partitionsOf(role),
        replicationFactor: options.replicationFactor,
        configEntries:
          spec.retentionMs === undefined
            ? []
            : [{ name: 'retention.ms', value: String(spec.retentionMs) }],
      };
    }),
  });
  if (created) {
    logger?.info(
      {
        topics: Object.fromEntries(
          missing.map((role) => [topicOf(options, role), partitionsOf(role)]),
        ),
      },
      'created Kafka topics (name: partitions)',
    );
  }
}

/** The number of partitions of `topic` (fails when the topic does not exist). */
export async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const count = topics[0]?.partitions.length ?? 0;
  if (count === 0) throw new Error(`Kafka topic ${topic} has no partitions`);
  return count;
}

/** The next offset of each partition of `topic` (where a consumer that wants only news starts). */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, o.high]));
}

/** The partitions of `topic` for which `groupId` has no committed offset. */
export async function uncommittedPartitions(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Set<number>> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Set(
    (committed?.partitions ?? []).filter((p) => Number(p.offset) < 0).map((p) => p.partition),
  );
}
