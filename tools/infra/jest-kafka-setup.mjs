// jest globalSetup: one Kafka per test run; workers read its bootstrap address from
// DH_TEST_KAFKA_BROKERS and isolate themselves with topic and group names of their own.
import { startTestKafka } from './kafka.mjs';

export default async function setup() {
  const server = await startTestKafka({ log: (line) => process.stderr.write(`${line}\n`) });
  process.env.DH_TEST_KAFKA_BROKERS = server.brokers;
  globalThis.__DH_TEST_KAFKA__ = server;
}
