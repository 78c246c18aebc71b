import { registerCounterFrom } from '@dh-mqtt/runtime';
import { KAFKA_TOPICS, type KafkaTopicRole } from '../kafka-topics';
import type { KafkaBusCounters } from './kafka-bus-options';

type Registry = Parameters<typeof registerCounterFrom>[0];

function byTopicName(totals: Record<KafkaTopicRole, number>): Record<string, number> {
  const named: Record<string, number> = {};
  for (const [role, total] of Object.entries(totals)) {
    named[KAFKA_TOPICS[role as KafkaTopicRole].name] = total;
  }
  return named;
}

/**
 * `dh_kafka_records_produced_total{topic}` and `dh_kafka_records_consumed_total{topic}` of a pod's
 * bus, read from its counters at each scrape (`topic` is the name without the namespace),
 * `dh_kafka_packed_requests_total{direction="produced|consumed"}` (the requests those records
 * of `dh.requests.v2` carried: requests per record = packing, docs/adr/0024), and
 * `dh_kafka_pacing_seconds_total{stage="fetch|produce"}`, the time its fetches and produce
 * batches were held by the pacing of docs/adr/0022.
 */
export function registerKafkaBusMetrics(
  registry: Registry,
  counters: () => KafkaBusCounters,
): void {
  registerCounterFrom(
    registry,
    {
      name: 'dh_kafka_records_produced_total',
      help: 'Records Kafka accepted from this pod, per bus topic',
      label: 'topic',
    },
    () => byTopicName(counters().produced),
  );
  registerCounterFrom(
    registry,
    {
      name: 'dh_kafka_records_consumed_total',
      help: "Records this pod's consumers read, per bus topic (other pods' replies included)",
      label: 'topic',
    },
    () => byTopicName(counters().consumed),
  );
  registerCounterFrom(
    registry,
    {
      name: 'dh_kafka_packed_requests_total',
      help: 'Requests in the request-topic records this pod produced (broker) or consumed (gateway), ADR 0024',
      label: 'direction',
    },
    () => counters().packedRequests,
  );
  registerCounterFrom(
    registry,
    {
      name: 'dh_kafka_pacing_seconds_total',
      help: 'Time this pod held Kafka fetches and produce batches to batch more records (ADR 0022), by stage',
      label: 'stage',
    },
    () => {
      const { fetch, produce } = counters().pacingMs;
      return { fetch: fetch / 1000, produce: produce / 1000 };
    },
  );
}

/**
 * The reply path's metrics (ADR 0013), read from the bus's counters at each scrape. A gateway:
 * `dh_replies_sent_total{path="redis|kafka"}`, `dh_reply_fallbacks_total{reason}` (replies that
 * went over Kafka although Redis replies are on) and `dh_reply_redis_publishes_total` (SPUBLISH
 * commands: replies per command = batching). A broker: `dh_replies_received_total{path}`.
 */
export function registerReplyMetrics(
  registry: Registry,
  side: 'broker' | 'gateway',
  counters: () => KafkaBusCounters,
): void {
  if (side === 'broker') {
    registerCounterFrom(
      registry,
      {
        name: 'dh_replies_received_total',
        help: 'Replies this broker pod received, by path (redis, kafka; duplicates included)',
        label: 'path',
      },
      () => counters().replies.received,
    );
    return;
  }
  registerCounterFrom(
    registry,
    {
      name: 'dh_replies_sent_total',
      help: 'Replies this gateway handed to the owning broker pod, by path (redis, kafka)',
      label: 'path',
    },
    () => counters().replies.sent,
  );
  registerCounterFrom(
    registry,
    {
      name: 'dh_reply_fallbacks_total',
      help: 'Replies sent over Kafka because Redis could not deliver them, by reason',
      label: 'reason',
    },
    () => counters().replies.fallbacks,
  );
  registerCounterFrom(
    registry,
    {
      name: 'dh_reply_redis_publishes_total',
      help: 'Redis SPUBLISH commands this gateway sent, each with one or more replies',
    },
    () => counters().replies.redisPublishes,
  );
}
