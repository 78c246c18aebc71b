import type { DeviceEvent } from '@dh-mqtt/protocol';
import { buildDeviceEvent, buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { KAFKA_HEADERS, KAFKA_SCHEMA_HEADER_VALUE } from '../kafka-topics';
import { createKafkaBrokerBus, type KafkaBrokerBus } from './kafka-broker-bus';
import { createKafkaGatewayBus, type KafkaGatewayBus } from './kafka-gateway-bus';
import {
  capturedLogger,
  closeAfterEach,
  eventually,
  rawProducer,
  testKafkaOptions,
} from '../testing/kafka.fixtures';

const MALFORMED = 'skipped a malformed Kafka record';

jest.setTimeout(30_000);

const closeLater = closeAfterEach();

/** A started gateway answering every request with the broker id it saw. */
async function startEchoGateway(
  options: ReturnType<typeof testKafkaOptions>,
): Promise<KafkaGatewayBus> {
  const gateway = closeLater(createKafkaGatewayBus(options));
  gateway.serve(async (env) => buildReplyEnvelope(env, { servedFor: env.brokerId }));
  await gateway.start();
  return gateway;
}

function requestFrom(broker: KafkaBrokerBus, brokerId: string, clientId: string) {
  return broker.request(
    buildRequestEnvelope({ brokerId, clientId, deadline: Date.now() + 10_000 }),
  );
}

describe(createKafkaBrokerBus.name, () => {
  describe('when two brokers read different reply partitions', () => {
    it('routes each reply to the broker that sent the request, and only there', async () => {
      const options = testKafkaOptions();
      await startEchoGateway(options);
      const a = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-a', replyPartition: 0 }),
      );
      const b = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-b', replyPartition: 1 }),
      );
      await Promise.all([a.start(), b.start()]);

      const clients = ['c1', 'c2', 'c3', 'c4'];
      const [fromA, fromB] = await Promise.all([
        Promise.all(clients.map((c) => requestFrom(a, 'broker-a', c))),
        Promise.all(clients.map((c) => requestFrom(b, 'broker-b', c))),
      ]);

      expect(fromA.map((r) => r.reply['servedFor'])).toEqual(clients.map(() => 'broker-a'));
      expect(fromB.map((r) => r.reply['servedFor'])).toEqual(clients.map(() => 'broker-b'));
      expect([a.counters().foreignReplies, b.counters().foreignReplies]).toEqual([0, 0]);
    });
  });

  describe('when two brokers share a reply partition', () => {
    it('resolves each broker’s requests and skips the other’s replies as foreign', async () => {
      const options = testKafkaOptions();
      await startEchoGateway(options);
      const a = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-a', replyPartition: 2 }),
      );
      const b = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-b', replyPartition: 2 }),
      );
      await Promise.all([a.start(), b.start()]);

      const [ra, rb] = await Promise.all([
        requestFrom(a, 'broker-a', 'client-1'),
        requestFrom(b, 'broker-b', 'client-1'),
      ]);

      expect([ra.reply['servedFor'], rb.reply['servedFor']]).toEqual(['broker-a', 'broker-b']);
      await eventually(() => {
        expect(a.counters().foreignReplies).toBe(1);
        expect(b.counters().foreignReplies).toBe(1);
      });
      expect(a.counters().orphanReplies + b.counters().orphanReplies).toBe(0);
    });
  });

  describe('when several brokers consume events', () => {
    it('hands each event to exactly one broker of the group', async () => {
      const options = testKafkaOptions();
      const gateway = await startEchoGateway(options);
      const received = new Map<string, DeviceEvent[]>([
        ['a', []],
        ['b', []],
      ]);
      for (const name of ['a', 'b'] as const) {
        const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: `broker-${name}` }));
        broker.onEvent((event) => void received.get(name)?.push(event));
        await broker.start();
      }
      const devices = Array.from({ length: 12 }, (_, i) => `device-${i}`);

      for (const deviceId of devices) await gateway.publishEvent(buildDeviceEvent({ deviceId }));

      const all = () => [...received.values()].flat().map((e) => e.deviceId);
      await eventually(() => expect(all().sort()).toEqual([...devices].sort()));
      expect(received.get('a')?.length).toBeGreaterThan(0);
      expect(received.get('b')?.length).toBeGreaterThan(0);
    });
  });

  describe('when one device publishes many events (one partition)', () => {
    it('hands them over in order while earlier ones are still being handled', async () => {
      const options = testKafkaOptions();
      const gateway = await startEchoGateway(options);
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-one' }));
      const started: number[] = [];
      const finished: number[] = [];
      let running = 0;
      let mostAtOnce = 0;
      broker.onEvent(async (event) => {
        const n = Number(event.name);
        started.push(n);
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        // Later events finish first: a handler that took them one at a time could not.
        await new Promise((resolve) => setTimeout(resolve, 5 + (n % 5) * 10));
        running -= 1;
        finished.push(n);
      });
      await broker.start();
      const count = 40;

      await Promise.all(
        Array.from({ length: count }, (_, n) =>
          gateway.publishEvent(buildDeviceEvent({ deviceId: 'busy-device', name: String(n) })),
        ),
      );

      await eventually(() => expect(finished).toHaveLength(count));
      expect(started).toEqual(Array.from({ length: count }, (_, n) => n));
      expect(mostAtOnce).toBeGreaterThan(1);
    });
  });

  describe('when a record on the reply topic is malformed', () => {
    it('logs, counts and skips it, and still resolves the next reply', async () => {
      const options = testKafkaOptions();
      await startEchoGateway(options);
      const { logger, lines } = capturedLogger();
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-a', logger }));
      await broker.start();
      const producer = closeLater(await rawProducer());
      const headers = { [KAFKA_HEADERS.brokerId]: 'broker-a' };
      const schema = { [KAFKA_HEADERS.schema]: KAFKA_SCHEMA_HEADER_VALUE };

      await producer.send({
        topic: `${options.namespace}dh.replies.v1`,
        messages: [
          { value: 'not json', headers: { ...headers, ...schema } },
          {
            value: JSON.stringify({ v: 1, id: 'x', clientId: 'c', brokerId: 'broker-a' }),
            headers,
          },
          { value: JSON.stringify({ v: 1, id: 'x' }), headers: { ...headers, ...schema } },
          {
            value: JSON.stringify({
              v: 1,
              id: 'x',
              clientId: 'c',
              brokerId: 'broker-a',
              reply: {},
            }),
            headers: { ...headers, ...schema },
          },
        ].map((m) => ({ ...m, partition: broker.replyPartition })),
      });
      const reply = await requestFrom(broker, 'broker-a', 'client-1');

      expect(reply.reply['servedFor']).toBe('broker-a');
      await eventually(() => expect(broker.counters().malformed).toBe(4));
      expect(lines.filter((l) => l['msg'] === MALFORMED).map((l) => l['reason'])).toEqual([
        expect.stringMatching(/^value is not JSON/),
        'header dh-schema is missing',
        'clientId is not a non-empty string',
        'reply.status is neither success nor error',
      ]);
    });
  });

  describe('when a record on the push topic is malformed', () => {
    it('logs, counts and skips it, and delivers the events after it', async () => {
      const options = testKafkaOptions();
      const gateway = await startEchoGateway(options);
      const { logger, lines } = capturedLogger();
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-a', logger }));
      const received: DeviceEvent[] = [];
      broker.onEvent((event) => void received.push(event));
      await broker.start();
      const producer = closeLater(await rawProducer());
      const event = buildDeviceEvent();
      const schema = { [KAFKA_HEADERS.schema]: KAFKA_SCHEMA_HEADER_VALUE };

      await producer.send({
        topic: `${options.namespace}dh.pushes.v1`,
        messages: [
          { key: event.deviceId, value: '{"kind":', headers: schema },
          {
            key: event.deviceId,
            value: JSON.stringify({ ...event, kind: 'device/delete' }),
            headers: schema,
          },
          {
            key: event.deviceId,
            value: JSON.stringify(event),
            headers: { [KAFKA_HEADERS.schema]: '2' },
          },
        ],
      });
      await gateway.publishEvent(event);

      await eventually(() => expect(received).toEqual([event]));
      expect(broker.counters().malformed).toBe(3);
      expect(lines.filter((l) => l['msg'] === MALFORMED).map((l) => l['reason'])).toEqual([
        expect.stringMatching(/^value is not JSON/),
        'kind is device/delete',
        'header dh-schema is 2',
      ]);
    });
  });

  describe('when an event handler throws', () => {
    it('counts the failure and keeps delivering the next events', async () => {
      const options = testKafkaOptions();
      const gateway = await startEchoGateway(options);
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-a' }));
      const received: string[] = [];
      broker.onEvent((event) => {
        if (event.name === 'poison') throw new Error('handler bug');
        received.push(event.name);
      });
      await broker.start();

      for (const name of ['poison', 'temperature'])
        await gateway.publishEvent(buildDeviceEvent({ name }));

      await eventually(() => expect(received).toEqual(['temperature']));
      expect(broker.counters().handlerErrors).toBe(1);
    });
  });
});
