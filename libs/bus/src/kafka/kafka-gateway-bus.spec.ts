import { isDhError, type DeviceEvent } from '@dh-mqtt/protocol';
import type { Producer } from 'kafkajs';
import type { RequestEnvelope } from '../bus.port';
import { KAFKA_HEADERS, KAFKA_SCHEMA_HEADER_VALUE } from '../kafka-topics';
import { buildDeviceEvent, buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import {
  capturedLogger,
  eventually,
  rawProducer,
  testKafkaOptions,
  withRawAdmin,
} from '../testing/kafka.fixtures';

jest.setTimeout(30_000);

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function closeLater<T extends { close(): Promise<void> } | Producer>(thing: T): T {
  closers.push(() => ('disconnect' in thing ? thing.disconnect() : thing.close()));
  return thing;
}

/** A fresh namespace with a broker (started) and a gateway (not started). */
async function setUp() {
  const options = testKafkaOptions();
  const { logger, lines } = capturedLogger();
  const gateway = closeLater(createKafkaGatewayBus({ ...options, logger }));
  const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-1' }));
  await broker.start();
  const request = (overrides: Partial<RequestEnvelope> = {}) =>
    buildRequestEnvelope({ deadline: Date.now() + 10_000, ...overrides });
  return { options, gateway, broker, request, lines };
}

const schema = { [KAFKA_HEADERS.schema]: KAFKA_SCHEMA_HEADER_VALUE };

describe(createKafkaGatewayBus.name, () => {
  describe('when a record on the request topic is malformed', () => {
    it('logs, counts and skips it, and keeps answering the client', async () => {
      const { options, gateway, broker, request, lines } = await setUp();
      const handled: string[] = [];
      gateway.serve(async (env) => {
        handled.push(env.id);
        return buildReplyEnvelope(env);
      });
      await gateway.start();
      const producer = closeLater(await rawProducer());
      const valid = request();
      const routing = {
        ...schema,
        [KAFKA_HEADERS.brokerId]: 'broker-1',
        [KAFKA_HEADERS.replyPartition]: String(broker.replyPartition),
      };
      const requests = `${options.namespace}dh.requests.v2`;
      const malformedRequest = { ...valid, id: `${valid.id}-bad`, request: [] };

      await producer.send({
        topic: requests,
        messages: [
          { key: valid.clientId, value: '\u0000garbage', headers: routing },
          { key: valid.clientId, value: JSON.stringify(valid), headers: routing },
          {
            key: valid.clientId,
            value: JSON.stringify([valid]),
            headers: { ...schema, [KAFKA_HEADERS.brokerId]: 'broker-1' },
          },
        ],
      });
      // One record: a malformed request among two good ones is skipped alone.
      const before = request({ clientId: 'client-before' });
      const after = request({ clientId: 'client-after' });
      await producer.send({
        topic: requests,
        messages: [
          {
            key: valid.clientId,
            value: JSON.stringify([before, malformedRequest, after]),
            headers: routing,
          },
        ],
      });
      const reply = await broker.request(valid);

      expect(reply.id).toBe(valid.id);
      await eventually(() =>
        expect(handled).toEqual(expect.arrayContaining([before.id, after.id, valid.id])),
      );
      expect(handled).toHaveLength(3);
      expect(gateway.counters().malformed).toBe(4);
      expect(lines.filter((l) => l['msg'] === 'skipped a malformed Kafka record')).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/^value is not JSON/) }),
        expect.objectContaining({ reason: 'value is not an array' }),
        expect.objectContaining({ reason: 'header dh-reply-partition is not a partition' }),
      ]);
      expect(
        lines.filter((l) => l['msg'] === 'skipped a malformed request of a Kafka record'),
      ).toEqual([expect.objectContaining({ reason: 'request.action is not a non-empty string' })]);
    });
  });

  describe("when a record carries several clients' requests (docs/adr/0024)", () => {
    it("keeps each client's order, lets other clients go on, and commits past the record only when all are done", async () => {
      const { options, gateway, broker, request } = await setUp();
      const events: string[] = [];
      let releaseA1: () => void = () => undefined;
      const a1Held = new Promise<void>((resolve) => (releaseA1 = resolve));
      const a1 = request({ clientId: 'client-a' });
      const b1 = request({ clientId: 'client-b' });
      const a2 = request({ clientId: 'client-a' });
      const names = new Map([
        [a1.id, 'A1'],
        [b1.id, 'B1'],
        [a2.id, 'A2'],
      ]);
      gateway.serve(async (env) => {
        const name = names.get(env.id) ?? env.id;
        events.push(`${name} start`);
        if (name === 'A1') await a1Held;
        events.push(`${name} end`);
        return buildReplyEnvelope(env);
      });
      await gateway.start();
      const producer = closeLater(await rawProducer());
      const topic = `${options.namespace}dh.requests.v2`;
      const [sent] = await producer.send({
        topic,
        messages: [
          {
            key: a1.clientId,
            partition: 0,
            value: JSON.stringify([a1, b1, a2]),
            headers: {
              ...schema,
              [KAFKA_HEADERS.brokerId]: 'broker-1',
              [KAFKA_HEADERS.replyPartition]: String(broker.replyPartition),
              [KAFKA_HEADERS.count]: '3',
            },
          },
        ],
      });
      const committed = () =>
        withRawAdmin(async (admin) => {
          const [offsets] = await admin.fetchOffsets({
            groupId: `${options.namespace}dh.gateway.requests.v2`,
            topics: [topic],
          });
          return offsets.partitions.find((p) => p.partition === 0)?.offset;
        });

      await eventually(() => expect(events).toContain('B1 end'));
      // Past the 100 ms commit delay: the record is not committed while A1 runs.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(events).toEqual(['A1 start', 'B1 start', 'B1 end']);
      expect(await committed()).not.toBe(String(Number(sent.baseOffset) + 1));

      releaseA1();
      await eventually(() => expect(events).toContain('A2 end'));
      expect(events.slice(3)).toEqual(['A1 end', 'A2 start', 'A2 end']);
      await eventually(async () =>
        expect(await committed()).toBe(String(Number(sent.baseOffset) + 1)),
      );
    });
  });

  describe('when the request handler throws', () => {
    it('answers DH_ERR_INTERNAL at once instead of letting the broker wait for the deadline', async () => {
      const { gateway, broker, request } = await setUp();
      gateway.serve(async () => {
        throw new Error('handler bug');
      });
      await gateway.start();
      const started = Date.now();

      const error = await broker.request(request()).catch((e: unknown) => e);

      expect(isDhError(error) && error.code).toBe('DH_ERR_INTERNAL');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(gateway.counters().handlerErrors).toBe(1);
    });
  });

  describe('when a request reaches the gateway after its deadline', () => {
    it('drops it unhandled and counts it', async () => {
      const { options, gateway, broker, request } = await setUp();
      const handled: string[] = [];
      gateway.serve(async (env) => {
        handled.push(env.id);
        return buildReplyEnvelope(env);
      });
      await gateway.start();
      const producer = closeLater(await rawProducer());
      const expired = request({ deadline: Date.now() - 1 });
      const routing = {
        ...schema,
        [KAFKA_HEADERS.brokerId]: 'broker-1',
        [KAFKA_HEADERS.replyPartition]: String(broker.replyPartition),
      };

      await producer.send({
        topic: `${options.namespace}dh.requests.v2`,
        messages: [{ key: expired.clientId, value: JSON.stringify([expired]), headers: routing }],
      });
      const next = request();
      await broker.request(next);

      expect(handled).toEqual([next.id]);
      expect(gateway.counters().expiredRequests).toBe(1);
    });
  });

  describe('when the first gateway starts after a broker sent a request', () => {
    it('answers the request if its deadline has not passed', async () => {
      const { gateway, broker, request } = await setUp();
      const reply = broker.request(request({ deadline: Date.now() + 20_000 }));
      await new Promise((resolve) => setTimeout(resolve, 200));

      gateway.serve(async (env) => buildReplyEnvelope(env, { late: true }));
      await gateway.start();

      await expect(reply).resolves.toMatchObject({ reply: { late: true } });
    });
  });

  describe('when requests are answered', () => {
    it('commits their offsets, so a gateway that replaces it does not handle them again', async () => {
      const { options, gateway, broker, request } = await setUp();
      gateway.serve(async (env) => buildReplyEnvelope(env));
      await gateway.start();
      await broker.request(request());
      await gateway.close();
      const handledBySecond: string[] = [];
      const second = closeLater(createKafkaGatewayBus(options));
      second.serve(async (env) => {
        handledBySecond.push(env.id);
        return buildReplyEnvelope(env);
      });
      await second.start();
      const next = request();

      await broker.request(next);

      await eventually(() => expect(handledBySecond).toEqual([next.id]));
    });
  });

  describe('when device events are published', () => {
    /** Records in each partition of `topic`, from its offsets: Kafka acknowledged them all. */
    function recordsIn(topic: string): Promise<number> {
      return withRawAdmin(async (admin) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      });
    }

    /** Publishes one event the gateway pushed and one it did not; counts what each topic got. */
    async function publishBoth(eventFeed: boolean | undefined) {
      const options = testKafkaOptions();
      const { logger, lines } = capturedLogger();
      const gateway = closeLater(
        createKafkaGatewayBus({
          ...options,
          logger,
          ...(eventFeed === undefined ? {} : { eventFeed }),
        }),
      );
      const broker = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-1' }));
      const delivered: DeviceEvent[] = [];
      broker.onEvent((event) => {
        delivered.push(event);
      });
      await broker.start();
      await gateway.start();
      const pushed = buildDeviceEvent({ data: { id: 1, notification: 'pushed' } });
      const unpushed = buildDeviceEvent({ data: { id: 2, notification: 'left to the brokers' } });

      await gateway.publishEvent(pushed, { pushed: true });
      await gateway.publishEvent(unpushed, { pushed: false });

      await eventually(() => expect(delivered).toEqual([unpushed]));
      return {
        feed: await recordsIn(`${options.namespace}dh.events.v1`),
        pushes: await recordsIn(`${options.namespace}dh.pushes.v1`),
        started: lines.find((line) => line['msg'] === 'Kafka gateway bus started'),
      };
    }

    it('writes every event to the feed by default, and the unpushed one to the push topic', async () => {
      const { feed, pushes, started } = await publishBoth(undefined);

      expect({ feed, pushes }).toEqual({ feed: 2, pushes: 1 });
      expect(started).toMatchObject({ eventFeed: true });
    });

    it('writes only the unpushed event, to the push topic, with the feed off', async () => {
      const { feed, pushes, started } = await publishBoth(false);

      expect({ feed, pushes }).toEqual({ feed: 0, pushes: 1 });
      expect(started).toMatchObject({ eventFeed: false });
    });
  });
});
