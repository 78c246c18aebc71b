import { readFileSync } from 'node:fs';
import { buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import type { KafkaBusOptions } from './kafka-bus-options';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import {
  capturedLogger,
  closeAfterEach,
  startUntilItFails,
  testKafkaOptions,
} from '../testing/kafka.fixtures';

jest.setTimeout(60_000);

// The test Kafka's second listener takes SASL/PLAIN for one user (tools/infra/kafka.mjs).
const SASL_USER = 'dh-bus';
const SASL_PASSWORD = 'dh-bus-test-password';

/** A variable the test Kafka's jest globalSetup sets (tools/infra/jest-kafka-setup.mjs). */
function fromSetup(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: the test Kafka of tools/infra/kafka.mjs opens SASL and TLS ` +
        'listeners; a Kafka given by DH_TEST_KAFKA_BROKERS needs them too',
    );
  }
  return value;
}

const saslBrokers = (): string[] => fromSetup('DH_TEST_KAFKA_SASL_BROKERS').split(',');

const closeLater = closeAfterEach();

describe('Kafka bus on a TLS listener (DH_KAFKA_SSL, DH_KAFKA_SSL_CA)', () => {
  const tlsBrokers = () => fromSetup('DH_TEST_KAFKA_TLS_BROKERS').split(',');

  describe('trusting the CA of the listener’s certificate', () => {
    it('carries a request and its reply', async () => {
      const ca = readFileSync(fromSetup('DH_TEST_KAFKA_TLS_CA'), 'utf8');
      const options = { ...testKafkaOptions(), brokers: tlsBrokers(), ssl: { ca } };
      const gateway = closeLater(createKafkaGatewayBus(options));
      gateway.serve(async (envelope) => buildReplyEnvelope(envelope));
      await gateway.start();
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-tls' }));
      await broker.start();

      const sent = buildRequestEnvelope({ deadline: Date.now() + 10_000 });
      await expect(broker.request(sent)).resolves.toMatchObject({ id: sent.id });
    });
  });

  describe('with only the system CAs (the certificate is self-signed)', () => {
    it('refuses the broker’s certificate and stays unready', async () => {
      const { logger, lines } = capturedLogger();
      const broker = closeLater(
        createKafkaBrokerBus({
          ...testKafkaOptions(),
          brokers: tlsBrokers(),
          ssl: {},
          brokerId: 'broker-untrusted',
          startRetry: { initialMs: 50, maxMs: 200 },
          logger,
        }),
      );
      const { started, outcome } = await startUntilItFails(broker, 1);
      expect(outcome()).toBe('pending');
      expect(broker.ready).toBe(false);
      expect(JSON.stringify(lines)).toMatch(/certificate/i);
      await broker.close();
      await started;
    });
  });
});

describe('Kafka bus on a SASL listener (DH_KAFKA_SASL_*)', () => {
  const sasl = (password: string): KafkaBusOptions['sasl'] => ({
    mechanism: 'plain',
    username: SASL_USER,
    password,
  });

  describe('with the right user and password', () => {
    it('carries a request and its reply', async () => {
      const options = { ...testKafkaOptions(), brokers: saslBrokers(), sasl: sasl(SASL_PASSWORD) };
      const gateway = closeLater(createKafkaGatewayBus(options));
      gateway.serve(async (envelope) => buildReplyEnvelope(envelope));
      await gateway.start();
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-sasl' }));
      await broker.start();

      const sent = buildRequestEnvelope({ deadline: Date.now() + 10_000 });
      await expect(broker.request(sent)).resolves.toMatchObject({ id: sent.id });
      expect(broker.ready).toBe(true);
    });
  });

  describe('with a wrong password', () => {
    it('stays unready and keeps retrying, and never logs the password', async () => {
      const { logger, lines } = capturedLogger();
      const broker = closeLater(
        createKafkaBrokerBus({
          ...testKafkaOptions(),
          brokers: saslBrokers(),
          sasl: sasl('not-the-password-xyz'),
          brokerId: 'broker-wrong-sasl',
          startRetry: { initialMs: 50, maxMs: 200 },
          logger,
        }),
      );
      const { started, outcome } = await startUntilItFails(broker, 2);
      expect(outcome()).toBe('pending');
      expect(broker.ready).toBe(false);
      expect(JSON.stringify(lines)).toMatch(/SASL|[Aa]uthentication/);
      expect(JSON.stringify(lines)).not.toContain('not-the-password-xyz');
      await broker.close();
      await started;
    });
  });

  describe('without SASL on the SASL listener', () => {
    it('is refused the same way (the listener is not open to anyone)', async () => {
      const broker = closeLater(
        createKafkaBrokerBus({
          ...testKafkaOptions(),
          brokers: saslBrokers(),
          brokerId: 'broker-no-sasl',
          startRetry: { initialMs: 50, maxMs: 200 },
          connectionTimeoutMs: 1_000,
        }),
      );
      const { started } = await startUntilItFails(broker, 1, 30_000);
      expect(broker.ready).toBe(false);
      await broker.close();
      await started;
    });
  });
});
