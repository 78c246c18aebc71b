import { createServer, type AddressInfo, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  RedisSessionClock,
  connackFirst,
  createBroker,
  createRedisMqttState,
  createTcpServer,
  type BrokerSettings,
} from '@dh-mqtt/broker';
import {
  FakeBrokerBus,
  Inbox,
  TEST_SETTINGS,
  connectMqtt,
  sessionClockContract,
} from '@dh-mqtt/broker/testing';
import { silentLogger } from '@dh-mqtt/runtime';
import { Redis } from 'ioredis';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { testRedisUrl } from './support/cluster-env';
import { connectWithInbox } from './support/mqtt-clients';

/** One broker pod in this process: aedes on the Redis state, a TCP listener on a free port. */
async function startPod(
  redisUrl: string,
  brokerId: string,
  settings: Partial<BrokerSettings> = {},
) {
  const state = createRedisMqttState({ url: redisUrl, brokerId });
  await state.ready();
  const broker = await createBroker({
    bus: new FakeBrokerBus(),
    logger: silentLogger(),
    config: { ...TEST_SETTINGS, ...settings },
    id: brokerId,
    mqttState: state,
  });
  const server = createTcpServer(connackFirst(broker), { maxPacketSize: 1_048_576 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /**
     * Disconnects `client` and resolves once this pod has processed its departure (away means
     * gone for the pod too: publishing earlier races its disconnect handling).
     */
    async leave(client: MqttClient): Promise<void> {
      const clientId = client.options.clientId;
      const gone = new Promise<void>((resolve) => {
        const onDisconnect = (left: { id: string }) => {
          if (left.id !== clientId) return;
          broker.aedes.off('clientDisconnect', onDisconnect);
          resolve();
        };
        broker.aedes.on('clientDisconnect', onDisconnect);
      });
      await client.endAsync();
      await gone;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await broker.close();
      await state.close();
    },
  };
}

type Pod = Awaited<ReturnType<typeof startPod>>;

describe(createRedisMqttState.name, () => {
  // A Redis database of its own, so keys left by other suites cannot leak in.
  const redisUrl = `${testRedisUrl()}/5`;
  let pods: Pod[] = [];
  let clients: MqttClient[] = [];

  const connect = async (pod: Pod, clientId: string, clean = true) => {
    const client = await connectMqtt(pod.url, clientId, { clean });
    clients.push(client);
    return client;
  };

  /** Publishes `payload` through `pod`, then resumes the persistent session `clientId` there. */
  const publishThenResume = async (pod: Pod, clientId: string, topic: string, payload: string) => {
    const publisher = await connect(pod, `pub-${clientId}`);
    await publisher.publishAsync(topic, payload, { qos: 1 });
    const resumed = await connectWithInbox(pod.url, clientId, { clean: false });
    clients.push(resumed.client);
    return resumed;
  };

  beforeAll(async () => {
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
  });

  describe('when two pods share one Redis', () => {
    beforeEach(async () => {
      pods = [await startPod(redisUrl, 'pod-a'), await startPod(redisUrl, 'pod-b')];
    });

    afterEach(async () => {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      clients = [];
      await Promise.all(pods.map((pod) => pod.close()));
    });

    it('delivers a QoS 1 publish made on one pod once to a subscriber on the other', async () => {
      const subscriber = await connect(pods[0], 'sub-across');
      const inbox = new Inbox(subscriber);
      await subscriber.subscribeAsync('plant/across/#', { qos: 1 });
      const publisher = await connect(pods[1], 'pub-across');

      await publisher.publishAsync('plant/across/t1', 'one', { qos: 1 });
      await publisher.publishAsync('plant/across/t1', 'two', { qos: 1 });

      expect((await inbox.next()).payload).toBe('one');
      expect((await inbox.next()).payload).toBe('two');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(inbox.messages.map((m) => m.payload)).toEqual(['one', 'two']);
    });

    it('hands a persistent session resumed on the other pod the QoS 1 messages it missed', async () => {
      const first = await connect(pods[0], 'resumer', false);
      await first.subscribeAsync('plant/resume/#', { qos: 1 });
      // A message routed to the leaving connection would be queued behind later ones.
      await pods[0].leave(first);
      const publisher = await connect(pods[1], 'pub-resume');
      for (const text of ['m1', 'm2', 'm3']) {
        await publisher.publishAsync('plant/resume/level', text, { qos: 1 });
      }

      const { client: resumed, inbox } = await connectWithInbox(pods[1].url, 'resumer', {
        clean: false,
      });
      clients.push(resumed);
      const received = [await inbox.next(), await inbox.next(), await inbox.next()];

      expect(received.map((m) => [m.topic, m.payload, m.qos])).toEqual([
        ['plant/resume/level', 'm1', 1],
        ['plant/resume/level', 'm2', 1],
        ['plant/resume/level', 'm3', 1],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(inbox.messages).toHaveLength(3);
    });

    it('resends a message a persistent session never acknowledged marked DUP, a queued one unmarked', async () => {
      const topic = 'plant/redeliver/level';
      // A subscriber that never acknowledges: its message stays in flight on the first pod.
      const first = await connect(pods[0], 'redeliver', false);
      let inFlight!: () => void;
      const received = new Promise<void>((resolve) => (inFlight = resolve));
      first.options.customHandleAcks = (_topic, message) => {
        if (message.toString() === 'in-flight') inFlight();
      };
      await first.subscribeAsync('plant/redeliver/#', { qos: 1 });
      const publisher = await connect(pods[1], 'pub-redeliver');
      await publisher.publishAsync(topic, 'in-flight', { qos: 1 });
      await received;
      await pods[0].leave(first);
      await publisher.publishAsync(topic, 'while-away', { qos: 1 });

      // The listener is attached before CONNACK: the queue follows right behind it.
      const flags: Array<[string, boolean]> = [];
      const resumed = mqttConnect(pods[1].url, {
        clientId: 'redeliver',
        clean: false,
        reconnectPeriod: 0,
      });
      clients.push(resumed);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(flags)}`)), 5_000);
        resumed.on('message', (_topic, payload, packet) => {
          flags.push([payload.toString(), packet.dup]);
          if (flags.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(flags).toEqual([
        ['in-flight', true],
        ['while-away', false],
      ]);
    });
  });

  describe('when a persistent session leaves one pod and never returns', () => {
    beforeEach(async () => {
      pods = [
        await startPod(redisUrl, 'pod-left', { sessionExpirySeconds: 1 }),
        await startPod(redisUrl, 'pod-sweeper', { sessionExpirySeconds: 1 }),
      ];
    });

    afterEach(async () => {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      clients = [];
      await Promise.all(pods.map((pod) => pod.close()));
    });

    it('is expired by another pod, also after the pod it left is gone', async () => {
      const [left, sweeper] = pods;
      const first = await connect(left, 'expirer', false);
      await first.subscribeAsync('plant/expire/#', { qos: 1 });
      await left.leave(first);
      await left.close();
      pods = [sweeper];

      // Past the expiry and a sweep period (a quarter of it): only the other pod can sweep.
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      const { inbox, connack } = await publishThenResume(
        sweeper,
        'expirer',
        'plant/expire/level',
        'after',
      );

      expect(connack.sessionPresent).toBe(false);
      expect(await inbox.quietFor(300)).toEqual([]);
    });

    it('is kept while connected, when another pod records its departure late', async () => {
      const [, here] = pods;
      const roamer = await connect(here, 'roamer', false);
      await roamer.subscribeAsync('plant/roam/#', { qos: 1 });
      // What the pod of an earlier, dead connection of this client does when its keepalive
      // finally notices: it records a departure, although the client is connected here now.
      const redis = new Redis(redisUrl);
      await new RedisSessionClock(redis).away('roamer', Date.now());
      redis.disconnect();

      // Past the expiry and several sweeps of both pods.
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await here.leave(roamer);
      const { inbox, connack } = await publishThenResume(
        here,
        'roamer',
        'plant/roam/level',
        'kept',
      );

      expect(connack.sessionPresent).toBe(true);
      expect((await inbox.next()).payload).toBe('kept');
    });
  });

  describe('when Redis is unreachable', () => {
    let silent: Server;
    let port: number;

    beforeEach(async () => {
      // A port nobody answers on: a server that is opened and closed again.
      silent = createServer();
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as AddressInfo).port;
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('is not ready, keeps retrying, and rejects the wait once closed', async () => {
      const state = createRedisMqttState({
        url: `redis://127.0.0.1:${port}`,
        brokerId: 'pod-offline',
        retry: { initialMs: 20, maxMs: 100 },
      });
      const outcome = expect(state.ready()).rejects.toThrow('closed before it was ready');
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(state.isReady()).toBe(false);
      await state.close();
      await outcome;
    });
  });
});

let clockRedis: Redis | undefined;
afterAll(() => clockRedis?.disconnect());
sessionClockContract(RedisSessionClock.name, async () => {
  clockRedis ??= new Redis(testRedisUrl());
  // A key of its own per test: no flush, no leftovers of another test.
  return new RedisSessionClock(clockRedis, `test:sessions:away:${randomBytes(6).toString('hex')}`);
});
