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
 * bus, read from its counters at each scrape; `topic` is the name without the namespace.
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
}
