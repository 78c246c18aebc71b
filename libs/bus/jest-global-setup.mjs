// jest globalSetup of the bus specs: one Kafka and one Redis per test run (tools/infra), or the
// ones named by DH_TEST_KAFKA_BROKERS / DH_TEST_REDIS_URL (the Redis reply path, ADR 0013).
import kafkaSetup from '../../tools/infra/jest-kafka-setup.mjs';
import redisSetup from '../../tools/infra/jest-redis-setup.mjs';

export default async function setup() {
  await Promise.all([kafkaSetup(), redisSetup()]);
}
