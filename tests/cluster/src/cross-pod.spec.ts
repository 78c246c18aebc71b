import { SAMPLE_DEVICE, startCluster, type TestCluster } from './support/cluster';
import { DhClient, eventually, connectedPerTest } from './support/dh-client';
import { clusterCounter, settledCounter } from './support/metrics';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Inserts `count` notifications `{from, seq}` one after another; resolves with the replies. */
async function insertNotifications(device: DhClient, from: string, count: number) {
  const statuses: unknown[] = [];
  for (const seq of range(count)) {
    const reply = await device.request('notification/insert', {
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'reading', parameters: { from, seq } },
    });
    statuses.push(reply.body['status']);
  }
  return statuses;
}

describe('a cluster of 2 broker pods and 2 gateway pods', () => {
  let cluster: TestCluster;
  const connect = connectedPerTest();

  beforeAll(async () => {
    cluster = await startCluster({ name: 'cross-pod', redisDb: 7 });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe('when a device on one pod inserts notifications', () => {
    it('pushes each one exactly once, in order, to subscribers on both pods', async () => {
      const [podA, podB] = cluster.brokers;
      const onA = await connect(podA.mqttUrl, 'sub-on-a');
      const onB = await connect(podB.mqttUrl, 'sub-on-b');
      for (const subscriber of [onA, onB]) {
        await subscriber.mqtt.subscribeAsync(`dh/notification/+/+/${SAMPLE_DEVICE}/#`, { qos: 1 });
      }
      const device = await connect(podB.mqttUrl, 'device-on-b');
      const { brokers, gateways } = cluster;
      const pushedBefore = await clusterCounter(gateways, 'dh_gateway_pushes_total', {
        path: 'fabric',
      });
      const fallbackBefore = await clusterCounter(brokers, 'dh_kafka_records_consumed_total', {
        topic: 'dh.pushes.v1',
      });
      const statuses = await insertNotifications(device, 'device-on-b', 20);

      expect(statuses).toEqual(range(20).map(() => 'success'));
      // docs/adr/0021: the gateways published every push themselves, so the broker group's
      // topic got none of the events.
      expect(
        (await clusterCounter(gateways, 'dh_gateway_pushes_total', { path: 'fabric' })) -
          pushedBefore,
      ).toBe(20);
      for (const subscriber of [onA, onB]) {
        await eventually(
          () => subscriber.pushes.length >= 20,
          10_000,
          () => `${subscriber.clientId} got ${subscriber.pushes.length} of 20 pushes`,
        );
      }
      // Late duplicates would arrive right behind the last push.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(
        (await clusterCounter(brokers, 'dh_kafka_records_consumed_total', {
          topic: 'dh.pushes.v1',
        })) - fallbackBefore,
      ).toBe(0);
      for (const subscriber of [onA, onB]) {
        expect(subscriber.sequences()).toEqual(range(20).map((seq) => ['device-on-b', seq]));
      }
    });
  });

  describe('when clients on both pods send requests at once', () => {
    it('answers every request once, on the pod its client is connected to', async () => {
      const senders = await Promise.all(
        cluster.brokers.flatMap((pod, p) =>
          [0, 1].map((c) => connect(pod.mqttUrl, `sender-${p}-${c}`)),
        ),
      );

      const { brokers, gateways } = cluster;
      const receivedBefore = await clusterCounter(brokers, 'dh_replies_received_total', {
        path: 'redis',
      });
      const sentBefore = await clusterCounter(gateways, 'dh_replies_sent_total', { path: 'redis' });

      const replies = await Promise.all(
        senders.flatMap((sender) => range(10).map(() => sender.request('server/info'))),
      );

      expect(replies.map((reply) => reply.body['status'])).toEqual(replies.map(() => 'success'));
      // Gateways have DH_REDIS_URL: every reply went straight to its pod (docs/adr/0013).
      const sent = await settledCounter(
        gateways,
        'dh_replies_sent_total',
        { path: 'redis' },
        (value) => value - sentBefore >= 40,
      );
      expect(sent - sentBefore).toBeGreaterThanOrEqual(40);
      expect(
        (await clusterCounter(brokers, 'dh_replies_received_total', { path: 'redis' })) -
          receivedBefore,
      ).toBeGreaterThanOrEqual(40);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const sender of senders) {
        expect([...sender.replies.values()].map((seen) => seen.length)).toEqual(
          range(10).map(() => 1),
        );
      }
    });
  });

  describe('when a persistent session resumes on the other pod', () => {
    it('delivers the QoS 1 pushes queued while it was away, each once', async () => {
      const [podA, podB] = cluster.brokers;
      const away = await DhClient.connect(podA.mqttUrl, 'persistent-sub', {
        clean: false,
        subscribeReplies: false,
      });
      await away.mqtt.subscribeAsync(`dh/notification/+/+/${SAMPLE_DEVICE}/#`, { qos: 1 });
      await away.mqtt.endAsync();
      // Away for the pod too (its disconnect handled), not merely on its way out.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const device = await connect(podA.mqttUrl, 'device-for-queue');
      await insertNotifications(device, 'while-away', 5);

      const resumed = await connect(podB.mqttUrl, 'persistent-sub', {
        clean: false,
        subscribeReplies: false,
      });

      await eventually(
        () => resumed.pushes.length >= 5,
        10_000,
        () => `the resumed session got ${resumed.pushes.length} of 5 queued pushes`,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(resumed.sequences()).toEqual(range(5).map((seq) => ['while-away', seq]));
      expect(resumed.pushes.every((push) => push.topic.startsWith('dh/notification/1/1/'))).toBe(
        true,
      );
    });
  });
});
