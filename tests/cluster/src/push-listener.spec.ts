import { SAMPLE_DEVICE, startCluster, type TestCluster } from './support/cluster';
import { DhClient, eventually, connectedPerTest } from './support/dh-client';
import type { PodProcess } from './support/pod-process';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A counter of a pod's `/metrics`, summed over its label sets. */
async function counter(pod: PodProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${pod.ports.http}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function insert(device: DhClient, name: string, count: number): Promise<void> {
  for (const seq of range(count)) {
    const reply = await device.request('notification/insert', {
      deviceId: SAMPLE_DEVICE,
      notification: { notification: name, parameters: { from: device.clientId, seq } },
    });
    expect(reply.body['status']).toBe('success');
  }
}

/**
 * ADR 0009: a broker pod listens to every event of the fabric only while a session of its own
 * needs pod-local pushes; ADR 0008: replies to clean sessions stay on their pod.
 */
describe('event and reply delivery across 2 broker pods, fabric traffic per pod', () => {
  let cluster: TestCluster;
  const connect = connectedPerTest();

  beforeAll(async () => {
    cluster = await startCluster({ name: 'push-listener', redisDb: 3 });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('gives a pod none of the events and replies its clients do not match', async () => {
    const [podA, podB] = cluster.brokers;
    // podA: a client that only takes its own replies; podB: the device and a subscriber.
    const idle = await connect(podA.mqttUrl, 'idle-on-a');
    const subscriber = await connect(podB.mqttUrl, 'sub-on-b');
    await subscriber.mqtt.subscribeAsync(`dh/notification/+/+/${SAMPLE_DEVICE}/quiet`, { qos: 1 });
    const device = await connect(podB.mqttUrl, 'device-on-b');
    await new Promise((resolve) => setTimeout(resolve, 300)); // connect notices settle
    const before = await counter(podA, 'dh_fabric_messages_received_total');

    await insert(device, 'quiet', 20);
    await eventually(
      () => subscriber.pushes.length >= 20,
      10_000,
      () => `got ${subscriber.pushes.length} of 20`,
    );

    expect((await idle.request('server/info')).body['status']).toBe('success');
    const received = (await counter(podA, 'dh_fabric_messages_received_total')) - before;
    // 20 events and 21 replies went through the cluster; podA may see an aedes heartbeat.
    expect(received).toBeLessThanOrEqual(2);
  });

  it('pushes a request-made subscription on one pod the inserts made through the other, each once', async () => {
    const [podA, podB] = cluster.brokers;
    const subscriber = await connect(podA.mqttUrl, 'req-sub-on-a');
    const subscribed = await subscriber.request('notification/subscribe', {
      deviceId: SAMPLE_DEVICE,
      names: ['by-request'],
    });
    expect(subscribed.body['status']).toBe('success');
    const device = await connect(podB.mqttUrl, 'device2-on-b');

    await insert(device, 'by-request', 10);

    await eventually(
      () => subscriber.pushes.length >= 10,
      10_000,
      () => `got ${subscriber.pushes.length} of 10`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.sequences()).toEqual(range(10).map((seq) => ['device2-on-b', seq]));
    for (const push of subscriber.pushes) {
      expect(push.body['subscriptionId']).toBe(subscribed.body['subscriptionId']);
    }
  });

  it('pushes a private event filter on one pod the inserts made through the other', async () => {
    const [podA, podB] = cluster.brokers;
    const subscriber = await connect(podA.mqttUrl, 'private-on-a');
    await subscriber.mqtt.subscribeAsync(
      `dh/notification/+/+/${SAMPLE_DEVICE}/private-reading@private-on-a`,
      { qos: 1 },
    );
    const device = await connect(podB.mqttUrl, 'device3-on-b');

    await insert(device, 'private-reading', 5);

    await eventually(
      () => subscriber.pushes.length >= 5,
      10_000,
      () => `got ${subscriber.pushes.length} of 5`,
    );
    expect(subscriber.sequences()).toEqual(range(5).map((seq) => ['device3-on-b', seq]));
    expect(subscriber.pushes.every((push) => push.topic.endsWith('@private-on-a'))).toBe(true);
  });
});
