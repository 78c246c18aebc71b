import type { KafkaBusOptions } from './kafka-bus-options';

let sequence = 0;

/** The Kafka of this test run (jest globalSetup starts one or takes DH_TEST_KAFKA_BROKERS). */
export function testKafkaBrokers(): string[] {
  const brokers = process.env['DH_TEST_KAFKA_BROKERS'];
  if (!brokers) throw new Error('DH_TEST_KAFKA_BROKERS is not set: run the bus specs through jest');
  return brokers.split(',');
}

/**
 * Options for one isolated bus on the test Kafka: topics and groups under a namespace of their
 * own, few partitions, short fetch waits (close() waits for a fetch in flight).
 */
export function testKafkaOptions(): Required<Pick<KafkaBusOptions, 'brokers' | 'namespace'>> &
  KafkaBusOptions {
  sequence += 1;
  return {
    brokers: testKafkaBrokers(),
    namespace: `test-${process.pid}-${Date.now().toString(36)}-${sequence}.`,
    partitions: { requests: 3, replies: 4, events: 2 },
    replicationFactor: 1,
    maxFetchWaitMs: 100,
    sessionTimeoutMs: 6_000,
  };
}
