import { connect, createServer, type Server, type Socket } from 'node:net';
import { isDhError } from '@dh-mqtt/protocol';
import { Redis } from 'ioredis';
import { buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { createKafkaBrokerBus, type KafkaBrokerBus } from '../kafka/kafka-broker-bus';
import { createKafkaGatewayBus, type KafkaGatewayBus } from '../kafka/kafka-gateway-bus';
import type { KafkaBusOptions } from '../kafka/kafka-bus-options';
import {
  capturedLogger,
  closeAfterEach,
  deadPort,
  eventually,
  testKafkaOptions,
  testRedisUrl,
} from '../testing/kafka.fixtures';
import { frame, frameItem } from './reply-frame';

jest.setTimeout(60_000);

const closeLater = closeAfterEach();

/**
 * A TCP forwarder to the test Redis: `cut()` drops every connection and refuses new ones,
 * `restore()` lets them in again (a Redis outage as the pods see it).
 */
async function redisGate(): Promise<{ url: string; cut(): void; restore(): void }> {
  const target = new URL(testRedisUrl());
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((inbound) => {
    if (down) return void inbound.destroy();
    const outbound = connect(Number(target.port), target.hostname);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closeLater({
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
  };
}

/** A plain Redis client of the test run, closed after the test. */
function rawRedis(): Redis {
  const redis = new Redis(testRedisUrl());
  closeLater({ close: async () => void redis.disconnect() });
  return redis;
}

/** Subscribers of a sharded channel, as Redis counts them. */
async function subscribers(redis: Redis, channel: string): Promise<number> {
  const reply = (await redis.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

interface Pair {
  broker: KafkaBrokerBus;
  gateway: KafkaGatewayBus;
}

/** A broker and a gateway on one fresh namespace; each side with or without Redis replies. */
async function startPair(
  sides: { broker?: KafkaBusOptions['redisReplies']; gateway?: KafkaBusOptions['redisReplies'] },
  gatewayLogger = capturedLogger().logger,
): Promise<Pair> {
  const options = testKafkaOptions();
  const broker = closeLater(
    createKafkaBrokerBus({ ...options, brokerId: 'broker-1', redisReplies: sides.broker }),
  );
  const gateway = closeLater(
    createKafkaGatewayBus({ ...options, redisReplies: sides.gateway, logger: gatewayLogger }),
  );
  gateway.serve(async (request) => buildReplyEnvelope(request, { echo: request.id }));
  await gateway.start();
  await broker.start();
  return { broker, gateway };
}

const redisOn = () => ({ url: testRedisUrl() });

// The gateway counts a reply once Redis (or Kafka) acknowledges it, which may be after the broker
// already settled the request: its counters are read with eventually().
describe('Replies through Redis (ADR 0013)', () => {
  describe('when both ends have Redis replies', () => {
    it('subscribes the pod’s channel before it takes requests and leaves it at close', async () => {
      const { broker } = await startPair({ broker: redisOn(), gateway: redisOn() });
      const redis = rawRedis();
      const channel = broker.replyChannel as string;
      expect(channel).toMatch(/dh:reply:broker-1$/);
      expect(await subscribers(redis, channel)).toBe(1);

      await broker.close();
      expect(await subscribers(redis, channel)).toBe(0);
    });

    it('delivers every reply through Redis, none through Kafka', async () => {
      const { broker, gateway } = await startPair({ broker: redisOn(), gateway: redisOn() });
      const requests = Array.from({ length: 20 }, (_, i) =>
        buildRequestEnvelope({ clientId: `client-${i % 5}` }),
      );
      const replies = await Promise.all(requests.map((r) => broker.request(r)));

      expect(replies.map((r) => r.id)).toEqual(requests.map((r) => r.id));
      expect(replies.map((r) => r.reply)).toEqual(
        requests.map((r) => buildReplyEnvelope(r, { echo: r.id }).reply),
      );
      await eventually(() =>
        expect(gateway.counters().replies.sent).toEqual({ redis: 20, kafka: 0 }),
      );
      await eventually(() => expect(gateway.counters().produced.replies).toBe(0));
      expect(broker.counters().replies.received).toEqual({ redis: 20, kafka: 0 });
      expect(broker.counters().orphanReplies).toBe(0);
    });

    it('sends replies that queue up together, fewer SPUBLISH commands than replies', async () => {
      const { broker, gateway } = await startPair({ broker: redisOn(), gateway: redisOn() });
      const requests = Array.from({ length: 60 }, (_, i) =>
        buildRequestEnvelope({ clientId: `client-${i}` }),
      );
      await Promise.all(requests.map((r) => broker.request(r)));

      await eventually(() => expect(gateway.counters().replies.sent.redis).toBe(60));
      await eventually(() => expect(gateway.counters().replies.redisPublishes).toBeLessThan(60));
    });

    it('answers a handler failure at once with DH_ERR_INTERNAL, through Redis', async () => {
      const options = testKafkaOptions();
      const broker = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-1', redisReplies: redisOn() }),
      );
      const gateway = closeLater(
        createKafkaGatewayBus({
          ...options,
          redisReplies: redisOn(),
          logger: capturedLogger().logger,
        }),
      );
      gateway.serve(() => Promise.reject(new Error('broken handler')));
      await gateway.start();
      await broker.start();
      const started = Date.now();

      const error = await broker.request(buildRequestEnvelope()).catch((e: unknown) => e);

      expect(isDhError(error) && error.code).toBe('DH_ERR_INTERNAL');
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(broker.counters().replies.received.redis).toBe(1);
    });
  });

  describe('when the pod’s channel has no subscriber', () => {
    it('sends the reply over Kafka and counts the fallback', async () => {
      const { logger, lines } = capturedLogger();
      // The broker has no Redis replies: nobody listens on its channel.
      const { broker, gateway } = await startPair({ gateway: redisOn() }, logger);

      const request = buildRequestEnvelope();
      const reply = await broker.request(request);
      await broker.request(buildRequestEnvelope());

      expect(reply.id).toBe(request.id);
      await eventually(() =>
        expect(gateway.counters().replies.sent).toEqual({ redis: 0, kafka: 2 }),
      );
      await eventually(() => expect(gateway.counters().replies.fallbacks.no_receiver).toBe(2));
      expect(broker.counters().replies.received).toEqual({ redis: 0, kafka: 2 });
      // One warning line for the two fallbacks (rate-limited).
      const warnings = lines.filter((l) => String(l['msg']).startsWith('reply sent over Kafka'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ reason: 'no_receiver', brokerId: 'broker-1' });
    });
  });

  describe('when replies for two pods leave together, one of them not listening', () => {
    it('delivers each pod’s replies by its own outcome: Redis for one, Kafka for the other', async () => {
      const options = testKafkaOptions();
      const listening = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-1', redisReplies: redisOn() }),
      );
      const deaf = closeLater(createKafkaBrokerBus({ ...options, brokerId: 'broker-2' }));
      const gateway = closeLater(
        createKafkaGatewayBus({
          ...options,
          redisReplies: redisOn(),
          logger: capturedLogger().logger,
        }),
      );
      gateway.serve(async (request) => buildReplyEnvelope(request, { echo: request.id }));
      await gateway.start();
      await Promise.all([listening.start(), deaf.start()]);

      const requests = Array.from({ length: 10 }, (_, i) => i);
      const replies = await Promise.all(
        requests.flatMap((i) => [
          listening.request(buildRequestEnvelope({ clientId: `a-${i}`, brokerId: 'broker-1' })),
          deaf.request(buildRequestEnvelope({ clientId: `b-${i}`, brokerId: 'broker-2' })),
        ]),
      );

      expect(replies).toHaveLength(20);
      expect(listening.counters().replies.received).toEqual({ redis: 10, kafka: 0 });
      expect(deaf.counters().replies.received).toEqual({ redis: 0, kafka: 10 });
      await eventually(() =>
        expect(gateway.counters().replies.sent).toEqual({ redis: 10, kafka: 10 }),
      );
      await eventually(() => expect(gateway.counters().replies.fallbacks.no_receiver).toBe(10));
    });
  });

  describe('when Redis is unreachable', () => {
    it('sends every reply over Kafka without waiting for Redis', async () => {
      const url = `redis://127.0.0.1:${await deadPort()}`;
      const dead = { url, retry: { initialMs: 50, maxMs: 200 } };
      const { broker, gateway } = await startPair({ broker: dead, gateway: dead });

      const started = Date.now();
      const replies = await Promise.all(
        [1, 2, 3].map(() => broker.request(buildRequestEnvelope())),
      );

      expect(replies).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(3_000);
      await eventually(() =>
        expect(gateway.counters().replies.sent).toEqual({ redis: 0, kafka: 3 }),
      );
      await eventually(() => expect(gateway.counters().replies.fallbacks.redis_down).toBe(3));
      expect(broker.counters().replies.received.kafka).toBe(3);
    });
  });

  describe('when Redis goes away and comes back', () => {
    it('answers over Kafka meanwhile and through Redis again once it is back', async () => {
      const gate = await redisGate();
      const through = { url: gate.url, retry: { initialMs: 50, maxMs: 200 } };
      const { broker, gateway } = await startPair({ broker: through, gateway: through });
      await broker.request(buildRequestEnvelope());
      await eventually(() => expect(gateway.counters().replies.sent.redis).toBe(1));

      gate.cut();
      const during = await Promise.all(
        [1, 2, 3].map((i) => broker.request(buildRequestEnvelope({ clientId: `c-${i}` }))),
      );
      expect(during).toHaveLength(3);
      await eventually(() =>
        expect(gateway.counters().replies.sent).toEqual({ redis: 1, kafka: 3 }),
      );

      gate.restore();
      await eventually(async () => {
        await broker.request(buildRequestEnvelope());
        expect(broker.counters().replies.received.redis).toBeGreaterThanOrEqual(2);
      }, 20_000);
      expect(broker.counters().orphanReplies).toBe(0);
    });
  });

  describe('when a reply reaches the pod both through Redis and through Kafka', () => {
    it('settles the request once with the first copy and counts the second as an orphan', async () => {
      const options = testKafkaOptions();
      const redis = rawRedis();
      const broker = closeLater(
        createKafkaBrokerBus({ ...options, brokerId: 'broker-1', redisReplies: redisOn() }),
      );
      // A gateway without Redis replies answers over Kafka; its handler first pushes the same
      // reply through Redis, as a gateway whose SPUBLISH timed out after delivery would.
      const gateway = closeLater(createKafkaGatewayBus(options));
      gateway.serve(async (request) => {
        const reply = buildReplyEnvelope(request, { copy: 'first' });
        await redis.spublish(
          broker.replyChannel as string,
          frame([frameItem(JSON.stringify(reply))]),
        );
        return buildReplyEnvelope(request, { copy: 'second' });
      });
      await gateway.start();
      await broker.start();

      const reply = await broker.request(buildRequestEnvelope());

      expect(reply.reply).toMatchObject({ copy: 'first' });
      await eventually(() => expect(broker.counters().replies.received.kafka).toBe(1));
      expect(broker.counters().replies.received.redis).toBe(1);
      expect(broker.counters().orphanReplies).toBe(1);
      // The pod goes on serving.
      const next = await broker.request(buildRequestEnvelope());
      expect(next.reply).toMatchObject({ copy: 'first' });
    });
  });

  describe('when a reply frame is malformed', () => {
    it('skips it, counts it and keeps serving', async () => {
      const { broker } = await startPair({ broker: redisOn(), gateway: redisOn() });
      const redis = rawRedis();
      await redis.spublish(broker.replyChannel as string, 'not json');
      await redis.spublish(
        broker.replyChannel as string,
        frame([frameItem('{"v":1,"id":"x","clientId":"c","brokerId":"b"}')]),
      );

      await eventually(() => expect(broker.counters().malformed).toBe(2));
      const reply = await broker.request(buildRequestEnvelope());
      expect(reply.reply.status).toBe('success');
    });
  });
});
