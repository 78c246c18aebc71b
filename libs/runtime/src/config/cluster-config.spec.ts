import { ConfigError } from './env-reader';
import { loadClusterConfig } from './cluster-config';

describe(loadClusterConfig.name, () => {
  describe('when nothing is set', () => {
    it('gives each start a broker id of its own, no namespace and a 30 s session timeout', () => {
      const first = loadClusterConfig({});
      const second = loadClusterConfig({});
      expect(first.brokerId).not.toBe(second.brokerId);
      expect(first).toMatchObject({ kafkaNamespace: '', kafkaSessionTimeoutMs: 30_000 });
    });
  });

  it('takes the values that are set', () => {
    expect(
      loadClusterConfig({
        DH_BROKER_ID: 'broker-0',
        DH_KAFKA_NAMESPACE: 'staging.',
        DH_KAFKA_SESSION_TIMEOUT_MS: '6000',
      }),
    ).toEqual({ brokerId: 'broker-0', kafkaNamespace: 'staging.', kafkaSessionTimeoutMs: 6_000 });
  });

  it.each([
    ['DH_BROKER_ID', 'a b'],
    ['DH_KAFKA_NAMESPACE', 'dh/'],
    ['DH_KAFKA_SESSION_TIMEOUT_MS', '1000'],
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
