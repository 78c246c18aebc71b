import {
  KAFKA_LEASES,
  createKafkaGatewayBus,
  createKafkaLease,
  type KafkaLease,
} from '@dh-mqtt/bus';
import type { KafkaGatewayBus } from '@dh-mqtt/bus';
import { LeasedEventStream, createRemoteEventStream } from '@dh-mqtt/devicehive-remote';
import { silentLogger } from '@dh-mqtt/runtime';
import { SAMPLE_DEVICE, startCluster, type TestCluster } from './support/cluster';
import { DhClient, eventually } from './support/dh-client';
import {
  REMOTE_ADMIN,
  startRemoteDeviceHive,
  type RemoteDeviceHive,
} from './support/remote-devicehive';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The gateway side of remote mode, as the gateway pods run it (docs/adr/0015): a Kafka lease
 * elects the one runner whose remote event stream publishes into the cluster's event topic.
 * Two runners here, in this process, play two gateway pods.
 */
interface Runner {
  name: string;
  bus: KafkaGatewayBus;
  lease: KafkaLease;
  stream: LeasedEventStream;
}

describe('remote DeviceHive events through a cluster of 2 broker pods', () => {
  let cluster: TestCluster;
  let remote: RemoteDeviceHive;
  const runners: Runner[] = [];
  let clients: DhClient[] = [];

  async function startRunner(name: string): Promise<Runner> {
    const kafka = {
      brokers: cluster.env['DH_KAFKA_BROKERS'].split(','),
      namespace: cluster.env['DH_KAFKA_NAMESPACE'],
      sessionTimeoutMs: 6_000,
      logger: silentLogger(),
    };
    const bus = createKafkaGatewayBus(kafka);
    await bus.start();
    const base = remote.base.replace(/^http:\/\//, '');
    const stream = new LeasedEventStream({
      create: (since) =>
        createRemoteEventStream({
          endpoints: {
            restUrl: `http://${base}/api/rest`,
            authUrl: `http://${base}/auth/rest`,
            wsUrl: `ws://${base}/api/websocket`,
          },
          credentials: REMOTE_ADMIN,
          onEvent: (event) => bus.publishEvent(event),
          logger: quiet,
          since,
          tuning: { reconnectMinMs: 100, reconnectMaxMs: 500 },
        }),
      logger: quiet,
    });
    const lease = createKafkaLease({
      ...kafka,
      lease: KAFKA_LEASES.remoteEvents,
      onAcquired: () => stream.acquire(),
      onReleased: () => stream.release(),
    });
    await lease.start();
    const runner = { name, bus, lease, stream };
    runners.push(runner);
    return runner;
  }

  async function stopRunner(runner: Runner): Promise<void> {
    runners.splice(runners.indexOf(runner), 1);
    await runner.lease.stop();
    await runner.bus.close();
  }

  const insert = (from: string, seq: number) =>
    remote.rest('POST', `/api/rest/device/${SAMPLE_DEVICE}/notification`, {
      notification: 'reading',
      parameters: { from, seq },
    });

  async function subscribers(): Promise<DhClient[]> {
    const [podA, podB] = cluster.brokers;
    const onA = await DhClient.connect(podA.mqttUrl, `remote-sub-a-${clients.length}`);
    const onB = await DhClient.connect(podB.mqttUrl, `remote-sub-b-${clients.length}`);
    clients.push(onA, onB);
    for (const subscriber of [onA, onB]) {
      await subscriber.mqtt.subscribeAsync(`dh/notification/+/+/${SAMPLE_DEVICE}/reading`, {
        qos: 1,
      });
    }
    return [onA, onB];
  }

  beforeAll(async () => {
    remote = await startRemoteDeviceHive();
    cluster = await startCluster({ name: 'remote-events', redisDb: 14, gateways: 1 });
    await startRunner('runner-1');
    await startRunner('runner-2');
    await eventually(
      () => runners.filter((r) => r.stream.holding()).length === 1,
      30_000,
      () =>
        `holders: ${runners
          .filter((r) => r.stream.holding())
          .map((r) => r.name)
          .join(',')}`,
    );
    await eventually(
      () => runners.every((r) => r.stream.isReady()),
      30_000,
      () => 'the holder did not connect to the remote',
    );
  });

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.end()));
    clients = [];
  });

  afterAll(async () => {
    for (const runner of [...runners]) await stopRunner(runner);
    await cluster?.close();
    await remote?.close();
  });

  it('pushes REST inserts of the remote once each, in order, to subscribers on both pods', async () => {
    const [onA, onB] = await subscribers();
    for (const seq of range(10)) expect((await insert('rest', seq)).status).toBe(201);
    for (const subscriber of [onA, onB]) {
      await eventually(
        () => subscriber.sequences().length >= 10,
        15_000,
        () => `${subscriber.clientId} got ${subscriber.sequences().length} of 10`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const subscriber of [onA, onB]) {
      expect(subscriber.sequences()).toEqual(range(10).map((seq) => ['rest', seq]));
    }
  });

  it('hands the stream over when its holder stops: nothing lost, nothing twice', async () => {
    const [onA, onB] = await subscribers();
    const holder = runners.find((r) => r.stream.holding()) as Runner;
    const other = runners.find((r) => r !== holder) as Runner;
    let seq = 0;
    let inserting = true;
    const inserts = (async () => {
      while (inserting) {
        seq += 1;
        expect((await insert('handover', seq)).status).toBe(201);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stopRunner(holder);
    await eventually(
      () => other.stream.holding() && other.stream.isReady(),
      30_000,
      () => 'the other runner did not take the stream over',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    inserting = false;
    await inserts;
    for (const subscriber of [onA, onB]) {
      await eventually(
        () => subscriber.sequences().filter(([from]) => from === 'handover').length >= seq,
        20_000,
        () => `${subscriber.clientId} got ${subscriber.sequences().length} of ${seq}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const subscriber of [onA, onB]) {
      expect(subscriber.sequences().filter(([from]) => from === 'handover')).toEqual(
        range(seq).map((n) => ['handover', n]),
      );
    }
  });
});
