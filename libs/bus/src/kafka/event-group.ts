import type { Logger } from '@dh-mqtt/runtime';
import type { Admin, EachMessagePayload, Kafka } from 'kafkajs';
import { KAFKA_GROUPS } from '../kafka-topics';
import { GroupConsumer } from './group-consumer';
import type { ResolvedKafkaBusOptions } from './kafka-bus-options';
import { endOffsets, uncommittedPartitions } from './topic-admin';

export interface EventGroupOptions {
  kafka: Kafka;
  admin: Admin;
  logger: Logger;
  options: ResolvedKafkaBusOptions;
  groupId: string;
  topic: string;
  eachMessage(payload: EachMessagePayload): Promise<void>;
  /** Told each hold of the fetch pacing, in ms (docs/adr/0022). */
  onPacingHold?(ms: number): void;
}

/** Partitions of the event topic a broker pod handles at the same time (all of the default 12). */
const EVENT_PARTITIONS_CONCURRENTLY = 12;

/** Events of one partition a broker pod publishes at the same time. */
const EVENT_RECORDS_IN_FLIGHT = 64;

/** How often a broker pod commits its progress in the event topic. */
const EVENT_COMMIT_INTERVAL_MS = 1_000;

/**
 * The broker pods' consumer of the event topic (docs/architecture.md "Device events"): one group
 * for all pods, offsets committed, so each event reaches one pod. A group with no committed offset
 * (its first start ever) begins at the end of the topic as it was before this returns: every
 * event published after start() resolved is delivered, none from before. Partitions added later
 * start at their beginning: everything in them is news.
 */
export async function eventGroupConsumer(params: EventGroupOptions): Promise<GroupConsumer> {
  const { admin, groupId, topic } = params;
  const ends = await endOffsets(admin, topic);
  const fresh = await uncommittedPartitions(admin, groupId, topic);
  let firstJoin = true;
  return new GroupConsumer({
    kafka: params.kafka,
    logger: params.logger,
    groupId,
    topic,
    fromBeginning: true,
    // A record handled but not committed when a pod dies is read again by another pod; the
    // broker's once-across-pods de-duplication keeps its push from being delivered twice.
    commits: { everyMs: EVENT_COMMIT_INTERVAL_MS },
    // A pod publishes the events of its partitions side by side: one partition after the other,
    // each event waiting for its Redis round trips (de-duplication, the fabric), made pushes lag
    // behind inserts at load. A device's events share a partition, so they keep their order.
    partitionsConsumedConcurrently: EVENT_PARTITIONS_CONCURRENTLY,
    // And the events of one partition overlap too (docs/adr/0017-pipelined-requests.md): one busy
    // device's events, one after the other, each behind its Redis round trips (claim, fabric
    // publish, done), capped its pushes at ~1,000/s whatever the pods could do. They start in
    // offset order and their Redis commands share one connection, so their order holds.
    inFlightPerPartition: EVENT_RECORDS_IN_FLIGHT,
    sessionTimeoutMs: params.options.sessionTimeoutMs,
    maxFetchWaitMs: params.options.maxFetchWaitMs,
    fetchIntervalMs: params.options.fetchIntervalMs,
    onPacingHold: params.onPacingHold,
    restartDelay: params.options.startRetry,
    eachMessage: params.eachMessage,
    instrument: (consumer) =>
      params.options.kafkaMetrics?.instrumentConsumer(consumer, KAFKA_GROUPS.brokerPushes),
    onJoin(partitions, consumer) {
      if (!firstJoin) return;
      firstJoin = false;
      for (const partition of partitions) {
        const end = ends.get(partition);
        if (fresh.has(partition) && end !== undefined)
          consumer.seek({ topic, partition, offset: end });
      }
    },
  });
}
