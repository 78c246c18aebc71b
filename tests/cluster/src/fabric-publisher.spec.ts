import {
  createFabricPublisher,
  createRedisMqttState,
  type FabricPublisher,
  type RedisMqttState,
} from '@dh-mqtt/broker';
import { buildDeviceEvent } from '@dh-mqtt/bus/testing';
import { silentLogger } from '@dh-mqtt/runtime';
import { Registry } from 'prom-client';
import { testRedisUrl } from './support/cluster-env';
import { TcpGate } from './support/tcp-gate';

type FabricPacket = { topic: string; payload: Buffer; qos: number };
type Emitter = {
  on(
    topic: string,
    listener: (packet: FabricPacket, done: () => void) => void,
    done: () => void,
  ): void;
};

/** `dh_gateway_pushes_total{path}` of `registry`. */
async function pushes(registry: Registry, path: 'fabric' | 'brokers'): Promise<number> {
  const metric = await registry.getSingleMetric('dh_gateway_pushes_total')?.get();
  return metric?.values.find((v) => v.labels['path'] === path)?.value ?? 0;
}

describe(createFabricPublisher.name, () => {
  // A Redis database of its own, so keys left by other suites cannot leak in.
  const redisUrl = `${testRedisUrl()}/6`;
  let states: RedisMqttState[] = [];
  let publisher: FabricPublisher;
  let registry: Registry;

  const openState = async (id: string) => {
    const state = createRedisMqttState({ url: redisUrl, brokerId: id });
    states.push(state);
    await state.ready();
    return state;
  };

  beforeEach(async () => {
    registry = new Registry();
    publisher = await createFabricPublisher({
      state: await openState('gateway-under-test'),
      id: 'gateway-under-test',
      logger: silentLogger(),
      maxOfflineQueue: 100,
      metrics: registry,
    });
  });

  afterEach(async () => {
    await publisher.close();
    await Promise.all(states.map((state) => state.close()));
    states = [];
  });

  it('publishes an event as the broker pods would, on its concrete topic, and counts it', async () => {
    const pod = await openState('pod-listening');
    const received: FabricPacket[] = [];
    await new Promise<void>((resolve) =>
      (pod.mq as Emitter).on(
        'dh/notification/#',
        (packet, done) => {
          received.push(packet);
          done();
        },
        resolve,
      ),
    );
    const event = buildDeviceEvent();

    await expect(publisher.publish(event)).resolves.toBe(true);

    // Redis delivers it to the listening pod's connection a moment later.
    for (let i = 0; i < 50 && received.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received).toHaveLength(1);
    expect(received[0].topic).toBe(`dh/notification/1/1/${event.deviceId}/temperature`);
    expect(received[0].qos).toBe(1);
    expect(JSON.parse(received[0].payload.toString())).toEqual({
      action: 'notification/insert',
      subscriptionId: null,
      notification: event.data,
    });
    expect(await pushes(registry, 'fabric')).toBe(1);
  });

  it('leaves the push to the broker pods while Redis is unreachable, and still closes', async () => {
    const { hostname, port } = new URL(testRedisUrl());
    const gate = await TcpGate.create({ host: hostname, port: Number(port) });
    await gate.open();
    const state = createRedisMqttState({
      url: `redis://127.0.0.1:${gate.port}/6`,
      brokerId: 'gateway-behind-gate',
      retry: { initialMs: 50, maxMs: 200 },
    });
    await state.ready();
    const cut = new Registry();
    const behindGate = await createFabricPublisher({
      state,
      id: 'gateway-behind-gate',
      logger: silentLogger(),
      maxOfflineQueue: 100,
      metrics: cut,
    });
    await gate.close();
    for (let i = 0; i < 50 && state.isReady(); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    await expect(behindGate.publish(buildDeviceEvent())).resolves.toBe(false);

    expect(await pushes(cut, 'brokers')).toBe(1);
    expect(await pushes(cut, 'fabric')).toBe(0);
    const closing = Date.now();
    await behindGate.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
  });

  it('leaves an event that has no topic to the broker pods (they drop it with a warning)', async () => {
    await expect(publisher.publish(buildDeviceEvent({ name: 'a/b' }))).resolves.toBe(false);

    expect(await pushes(registry, 'brokers')).toBe(1);
  });

  it('publishes nothing once closed', async () => {
    await publisher.close();

    await expect(publisher.publish(buildDeviceEvent())).resolves.toBe(false);
  });
});
