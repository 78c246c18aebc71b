import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './env-reader';
import { loadClusterConfig } from './cluster-config';

describe(loadClusterConfig.name, () => {
  describe('when nothing is set', () => {
    it('gives each start a broker id of its own, no namespace, a 30 s session timeout, paced Kafka I/O and the event feed', () => {
      const first = loadClusterConfig({});
      const second = loadClusterConfig({});
      expect(first.brokerId).not.toBe(second.brokerId);
      expect(first).toMatchObject({
        kafkaNamespace: '',
        kafkaSessionTimeoutMs: 30_000,
        kafkaFetchIntervalMs: 5,
        kafkaProduceIntervalMs: 2,
        kafkaPartitions: {},
        kafkaEventFeed: true,
        kafkaSecurity: { ssl: undefined, sasl: undefined },
      });
    });
  });

  it('takes the values that are set', () => {
    expect(
      loadClusterConfig({
        DH_BROKER_ID: 'broker-0',
        DH_KAFKA_NAMESPACE: 'staging.',
        DH_KAFKA_SESSION_TIMEOUT_MS: '6000',
        DH_KAFKA_FETCH_INTERVAL_MS: '0',
        DH_KAFKA_PRODUCE_INTERVAL_MS: '10',
        DH_KAFKA_PARTITIONS: 'requests=4, events = 6,replies=64',
        DH_KAFKA_EVENT_FEED: 'false',
      }),
    ).toEqual({
      brokerId: 'broker-0',
      kafkaNamespace: 'staging.',
      kafkaSessionTimeoutMs: 6_000,
      kafkaFetchIntervalMs: 0,
      kafkaProduceIntervalMs: 10,
      kafkaPartitions: { requests: 4, events: 6, replies: 64 },
      kafkaEventFeed: false,
      kafkaSecurity: { ssl: undefined, sasl: undefined },
    });
  });

  describe('when Kafka needs TLS and SASL', () => {
    it('reads the mechanism, the user, the secret and the CA bundle', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dh-kafka-ca-'));
      const caPath = join(dir, 'ca.pem');
      writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      try {
        const { kafkaSecurity } = loadClusterConfig({
          DH_KAFKA_SSL: 'true',
          DH_KAFKA_SSL_CA: caPath,
          DH_KAFKA_SASL_MECHANISM: 'scram-sha-512',
          DH_KAFKA_SASL_USERNAME: 'dh-bus',
          DH_KAFKA_SASL_PASSWORD: ' s3cret with spaces ',
        });
        expect(kafkaSecurity).toEqual({
          ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
          sasl: { mechanism: 'scram-sha-512', username: 'dh-bus', password: 's3cret with spaces' },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('turns TLS on with the system CAs when no bundle is named', () => {
      expect(loadClusterConfig({ DH_KAFKA_SSL: 'true' }).kafkaSecurity).toEqual({
        ssl: { ca: undefined },
        sasl: undefined,
      });
    });

    it.each([
      [
        {
          DH_KAFKA_SASL_MECHANISM: 'gssapi',
          DH_KAFKA_SASL_USERNAME: 'u',
          DH_KAFKA_SASL_PASSWORD: 'pw-never-shown',
        },
        'DH_KAFKA_SASL_MECHANISM',
      ],
      [
        { DH_KAFKA_SASL_MECHANISM: 'plain', DH_KAFKA_SASL_PASSWORD: 'pw-never-shown' },
        'DH_KAFKA_SASL_USERNAME',
      ],
      [{ DH_KAFKA_SASL_MECHANISM: 'plain', DH_KAFKA_SASL_USERNAME: 'u' }, 'DH_KAFKA_SASL_PASSWORD'],
      [
        { DH_KAFKA_SASL_USERNAME: 'u', DH_KAFKA_SASL_PASSWORD: 'pw-never-shown' },
        'DH_KAFKA_SASL_MECHANISM',
      ],
      [{ DH_KAFKA_SSL: 'yes' }, 'DH_KAFKA_SSL'],
      [{ DH_KAFKA_SSL_CA: '/etc/ca.pem' }, 'DH_KAFKA_SSL_CA'],
      [{ DH_KAFKA_SSL: 'true', DH_KAFKA_SSL_CA: '/nonexistent/ca.pem' }, 'DH_KAFKA_SSL_CA'],
    ])('refuses %j, naming %s and never the password', (env, variable) => {
      let thrown: unknown;
      try {
        loadClusterConfig(env);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).variable).toBe(variable);
      expect((thrown as ConfigError).message).not.toContain("p'");
    });
  });

  it.each([
    ['DH_BROKER_ID', 'a b'],
    ['DH_KAFKA_NAMESPACE', 'dh/'],
    ['DH_KAFKA_SESSION_TIMEOUT_MS', '1000'],
    ['DH_KAFKA_FETCH_INTERVAL_MS', '101'],
    ['DH_KAFKA_FETCH_INTERVAL_MS', '-1'],
    ['DH_KAFKA_PRODUCE_INTERVAL_MS', '2.5'],
    ['DH_KAFKA_PARTITIONS', 'requests'],
    ['DH_KAFKA_PARTITIONS', 'requests=0'],
    ['DH_KAFKA_PARTITIONS', 'requests=4.5'],
    ['DH_KAFKA_PARTITIONS', 'requests=10001'],
    ['DH_KAFKA_PARTITIONS', 'request=4'],
    ['DH_KAFKA_PARTITIONS', 'requests=4,requests=8'],
    ['DH_KAFKA_PARTITIONS', 'requests=4;events=4'],
    ['DH_KAFKA_EVENT_FEED', 'off'],
    ['DH_KAFKA_EVENT_FEED', 'no'],
  ])('names %s when it is %j', (variable, value) => {
    let thrown: unknown;
    try {
      loadClusterConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
  });
});
