import { startCluster, type TestCluster } from './support/cluster';
import { connectedPerTest } from './support/dh-client';
import { clusterCounter, settledCounter } from './support/metrics';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

// Gateways without DH_REDIS_URL reply over Kafka only (docs/adr/0005), as before Redis replies
// (docs/adr/0013): that configuration stays supported and tested.
describe('a cluster whose gateways have no DH_REDIS_URL', () => {
  let cluster: TestCluster;
  const connect = connectedPerTest();

  beforeAll(async () => {
    cluster = await startCluster({
      name: 'kafka-replies',
      redisDb: 5,
      gatewayEnv: { DH_REDIS_URL: '' },
    });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('answers every request once over Kafka, on the pod its client is connected to', async () => {
    const clients = await Promise.all(
      cluster.brokers.flatMap((pod, p) =>
        [0, 1].map((c) => connect(pod.mqttUrl, `kafka-sender-${p}-${c}`)),
      ),
    );

    const { brokers, gateways } = cluster;
    const count = (pods: typeof brokers, name: string, path: string) =>
      clusterCounter(pods, name, { path });
    // Logins are requests too: count from here on.
    const sentBefore = await count(gateways, 'dh_replies_sent_total', 'kafka');
    const receivedBefore = await count(brokers, 'dh_replies_received_total', 'kafka');

    const replies = await Promise.all(
      clients.flatMap((sender) => range(10).map(() => sender.request('server/info'))),
    );

    expect(replies.map((reply) => reply.body['status'])).toEqual(replies.map(() => 'success'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const sender of clients) {
      expect([...sender.replies.values()].map((seen) => seen.length)).toEqual(
        range(10).map(() => 1),
      );
    }
    const sent = await settledCounter(
      gateways,
      'dh_replies_sent_total',
      { path: 'kafka' },
      (value) => value - sentBefore >= 40,
    );
    expect(sent - sentBefore).toBe(40);
    expect(await count(gateways, 'dh_replies_sent_total', 'redis')).toBe(0);
    // Not a fallback: Kafka is the only reply path of these gateways.
    expect(await clusterCounter(gateways, 'dh_reply_fallbacks_total')).toBe(0);
    expect((await count(brokers, 'dh_replies_received_total', 'kafka')) - receivedBefore).toBe(40);
  });
});
