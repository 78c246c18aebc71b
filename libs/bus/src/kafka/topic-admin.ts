import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ITopicConfig } from 'kafkajs';
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
 * once: only the pod that created a topic logs it. Each topic is created by a request of its own.
 * kafkajs answers a request for several topics with "none created" as soon as one of them
 * already exists, and then does not wait for the leaders of those it did create; so a pod that
 * raced another for some of the topics would log none of the ones it created.
 *
 * The pod then waits until every partition of the topics it created has a leader, so that its
 * first write does not meet a topic Kafka has not placed yet (`waitForLeaders`). kafkajs' own
 * wait is not used: it retries only "leader not available", and a Kafka started seconds before
 * answers "does not host this topic-partition" for a topic it has just created, which made the
 * whole request fail although the topic was there (the start was retried and the topics were
 * never logged as created).
 *
 * A topic that exists keeps its partitions (Kafka can add partitions, never remove them). When
 * `partitions` asks another count for one, the pod says so with a warning: the operator asked for
 * something the cluster does not have.
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
  const partitionsOf = (role: KafkaTopicRole) =>
    options.partitions[role] ?? KAFKA_TOPICS[role].defaultPartitions;
  const outcomes = await Promise.allSettled(
    missing.map(async (role) => {
      const spec = KAFKA_TOPICS[role];
      return admin.createTopics({
        waitForLeaders: false,
        topics: [
          {
            topic: topicOf(options, role),
            numPartitions: partitionsOf(role),
            replicationFactor: options.replicationFactor,
            configEntries:
              spec.retentionMs === undefined
                ? []
                : [{ name: 'retention.ms', value: String(spec.retentionMs) }],
          },
        ],
      });
    }),
  );
  // Logged before any failure is thrown: a topic created is created, whatever befell the others.
  const created = missing.filter((_, i) => {
    const outcome = outcomes[i];
    return outcome?.status === 'fulfilled' && outcome.value;
  });
  if (created.length > 0) {
    logger?.info(
      {
        topics: Object.fromEntries(
          created.map((role) => [topicOf(options, role), partitionsOf(role)]),
        ),
      },
      'created Kafka topics (name: partitions)',
    );
  }
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  await waitForLeaders(
    admin,
    created.map((role) => topicOf(options, role)),
  );
  await warnOfKeptPartitions(
    admin,
    options,
    roles.filter((role) => !created.includes(role)),
    logger,
  );
}

/**
 * Creates `topic` unless it exists, and waits as `ensureTopics` does for the leaders of a topic
 * it created (`waitForLeaders`; kafkajs' own wait fails on a Kafka started moments before).
 * Resolves whether it created the topic.
 */
export async function createTopicWithLeaders(admin: Admin, topic: ITopicConfig): Promise<boolean> {
  const created = await admin.createTopics({ waitForLeaders: false, topics: [topic] });
  if (created) await waitForLeaders(admin, [topic.topic]);
  return created;
}

/** How long a pod waits for the leaders of the topics it created before its start fails. */
export const LEADER_WAIT_MS = 30_000;
const LEADER_POLL_MS = 100;

/**
 * Resolves once every partition of each of `topics` has a leader. Kafka's retriable answers
 * (the topic or its partitions not known or not led yet) are waited out; anything else, or no
 * leaders after `timeoutMs`, rejects, and the bus's start loop tries again.
 */
export async function waitForLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = LEADER_WAIT_MS,
): Promise<void> {
  if (topics.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const led = topics.every((name) => {
        const partitions = metadata.topics.find((t) => t.name === name)?.partitions ?? [];
        return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (led) return;
      last = undefined;
    } catch (err) {
      if (!isRetriable(err)) throw err;
      last = err;
    }
    if (Date.now() + LEADER_POLL_MS > deadline) {
      throw new Error(
        `Kafka topics ${topics.join(', ')} have no leader for every partition after ${timeoutMs} ms`,
        { cause: last },
      );
    }
    await sleep(LEADER_POLL_MS);
  }
}

/**
 * Whether kafkajs marks `err` as one that may pass when asked again. Its own retries of "leader
 * not available" end in a `KafkaJSNumberOfRetriesExceeded`, marked final: that one counts by the
 * error it gave up on, since the wait above has a deadline of its own.
 */
function isRetriable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { retriable, name, cause } = err as {
    retriable?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  if (retriable === true) return true;
  return name === 'KafkaJSNumberOfRetriesExceeded' && isRetriable(cause);
}

/**
 * Warns of each of `roles` whose topic has another number of partitions than `partitions` asks
 * for it (only those it names: the defaults are what the pods create, not a wish). When Kafka
 * does not say, it warns of that instead: the start goes on.
 */
async function warnOfKeptPartitions(
  admin: Admin,
  options: ResolvedKafkaBusOptions,
  roles: readonly KafkaTopicRole[],
  logger?: Logger,
): Promise<void> {
  const asked = roles.filter((role) => options.partitions[role] !== undefined);
  if (asked.length === 0 || !logger) return;
  const names = asked.map((role) => topicOf(options, role));
  let topics: Array<{ name: string; partitions: unknown[] }>;
  try {
    ({ topics } = await admin.fetchTopicMetadata({ topics: names }));
  } catch (err) {
    // A check for the operator, never a reason to stop the start: the topics are there.
    logger.warn(
      { err, topics: names },
      'could not compare the partitions of existing Kafka topics with those asked',
    );
    return;
  }
  for (const role of asked) {
    const topic = topicOf(options, role);
    const partitions = topics.find((t) => t.name === topic)?.partitions.length;
    if (partitions === undefined || partitions === options.partitions[role]) continue;
    logger.warn(
      { topic, partitions, asked: options.partitions[role] },
      'Kafka topic exists with other partitions than asked; it keeps its own',
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
