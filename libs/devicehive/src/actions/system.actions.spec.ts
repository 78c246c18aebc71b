import { testActionContext } from '../testing';
import type { SqlClient } from '../storage/sql-client.port';
import { createSystemActions, REFERENCE_CLUSTER_INFO, systemActions } from './system.actions';

// The system actions touch no storage.
const ctx = testActionContext({} as SqlClient, null, () => new Date('2018-02-08T15:49:29.123Z'));

describe(createSystemActions.name, () => {
  it('answers server/info with the API version, a reference-format UTC timestamp and no REST URL', async () => {
    await expect(systemActions['server/info']?.(ctx, {})).resolves.toEqual({
      body: {
        info: {
          apiVersion: '4.1.0',
          serverTimestamp: '2018-02-08T15:49:29.123',
          restServerUrl: null,
        },
      },
    });
  });

  it('answers server/info with the configured REST URL', async () => {
    const actions = createSystemActions({ restServerUrl: 'http://dh.example/dh/rest' });
    await expect(actions['server/info']?.(ctx, {})).resolves.toMatchObject({
      body: { info: { restServerUrl: 'http://dh.example/dh/rest' } },
    });
  });

  describe('when no Kafka is configured (embedded)', () => {
    it("answers cluster/info with the reference's values", async () => {
      await expect(systemActions['cluster/info']?.(ctx, {})).resolves.toEqual({
        body: { clusterInfo: REFERENCE_CLUSTER_INFO },
      });
    });
  });

  describe('when Kafka brokers are configured', () => {
    it('answers cluster/info with them and no ZooKeeper', async () => {
      const actions = createSystemActions({ kafkaBrokers: ['k1:19092', 'k2:19092'] });
      await expect(actions['cluster/info']?.(ctx, {})).resolves.toEqual({
        body: {
          clusterInfo: { 'bootstrap.servers': 'k1:19092,k2:19092', 'zookeeper.connect': null },
        },
      });
    });
  });
});
