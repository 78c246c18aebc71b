// jest globalSetup: one Kafka per test run; workers read its bootstrap address from
// DH_TEST_KAFKA_BROKERS and isolate themselves with topic and group names of their own.
import { startTestKafka } from './kafka.mjs';

export default async function setup() {
  const server = await startTestKafka({ log: (line) => process.stderr.write(`${line}\n`) });
  process.env.DH_TEST_KAFKA_BROKERS = server.brokers;
  // The SASL/PLAIN listener (TEST_SASL_USER of kafka.mjs); absent on a Kafka given by the
  // environment unless DH_TEST_KAFKA_SASL_BROKERS names one.
  if (server.saslBrokers) process.env.DH_TEST_KAFKA_SASL_BROKERS = server.saslBrokers;
  // The TLS listener, with the PEM of its self-signed certificate (its own CA).
  if (server.tlsBrokers) process.env.DH_TEST_KAFKA_TLS_BROKERS = server.tlsBrokers;
  if (server.tlsCaFile) process.env.DH_TEST_KAFKA_TLS_CA = server.tlsCaFile;
  globalThis.__DH_TEST_KAFKA__ = server;
}
