import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { isDhError, type DeviceEvent } from '@dh-mqtt/protocol';
import type { ReplyEnvelope } from '../bus.port';
import {
  buildDeviceEvent,
  buildReplyEnvelope,
  buildRequestEnvelope,
  busContractSuite,
  gate,
} from '../testing';
import {
  createWorkerBrokerBus,
  createWorkerGatewayBus,
  type BusPort,
  type WorkerBrokerBus,
  type WorkerGatewayBus,
} from './worker-bus';

const opened: MessagePort[] = [];

/** Both ends over a real MessageChannel: the same structured clone as between two threads. */
function channel(): { brokerPort: MessagePort; gatewayPort: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  opened.push(port1, port2);
  return { brokerPort: port1, gatewayPort: port2 };
}

afterAll(() => {
  for (const port of opened) port.close();
});

busContractSuite('worker bus', () => {
  const { brokerPort, gatewayPort } = channel();
  return {
    broker: createWorkerBrokerBus(brokerPort),
    gateway: createWorkerGatewayBus(gatewayPort),
  };
});

/** Counts the postMessage calls of a port. */
function counting(port: MessagePort): { port: BusPort; posts: unknown[][] } {
  const posts: unknown[][] = [];
  return {
    posts,
    port: {
      postMessage(value) {
        posts.push(value as unknown[]);
        port.postMessage(value);
      },
      on: (event, listener) => port.on(event, listener),
      off: (event, listener) => port.off(event, listener),
    },
  };
}

describe('worker bus', () => {
  let broker: WorkerBrokerBus;
  let gateway: WorkerGatewayBus;

  afterEach(async () => {
    await broker.close();
    await gateway.close();
  });

  async function startWith(
    handler: Parameters<WorkerGatewayBus['serve']>[0],
    ports = channel(),
    brokerPort: BusPort = ports.brokerPort,
  ): Promise<void> {
    broker = createWorkerBrokerBus(brokerPort, { requestTimeoutMs: 2_000 });
    gateway = createWorkerGatewayBus(ports.gatewayPort);
    gateway.serve(handler);
    await gateway.start();
    await broker.start();
    await broker.untilServing();
  }

  describe('when many requests are sent in one event-loop turn', () => {
    it('posts them as one message and answers each', async () => {
      const ports = channel();
      const sent = counting(ports.brokerPort);
      await startWith(
        async (env) => buildReplyEnvelope(env, { n: env.request.requestId }),
        ports,
        sent.port,
      );

      const replies = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
          broker.request(
            buildRequestEnvelope({
              clientId: `client-${n}`,
              request: { action: 'server/info', requestId: n },
            }),
          ),
        ),
      );

      expect(replies.map((r) => r.reply['n'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(sent.posts).toHaveLength(1);
      expect(sent.posts[0]).toHaveLength(8);
      expect(broker.counters()).toMatchObject({ messagesSent: 8, batchesSent: 1 });
      // The 8 replies were ready in one turn of the gateway's loop: one batch back as well.
      expect(broker.counters()).toMatchObject({ messagesReceived: 9, batchesReceived: 2 }); // + serving
    });
  });

  describe('when the gateway publishes an event while handling a request', () => {
    it('runs the broker’s event handlers before the request resolves', async () => {
      const log: string[] = [];
      await startWith(async (env) => {
        await gateway.publishEvent(buildDeviceEvent({ name: 'pushed' }));
        return buildReplyEnvelope(env);
      });
      broker.onEvent(async (event) => {
        // A slow handler: the reply behind it waits, it does not overtake.
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push(`event ${event.name}`);
      });

      await broker.request(buildRequestEnvelope());
      log.push('reply');

      expect(log).toEqual(['event pushed', 'reply']);
    });
  });

  describe('when an event handler is slow', () => {
    it('hands the later events over at once, and holds only the replies sent after it', async () => {
      const seen: string[] = [];
      const slow = gate();
      await startWith(async (env) => buildReplyEnvelope(env));
      broker.onEvent(async (event) => {
        seen.push(event.name);
        if (event.name === 'slow') await slow.opened;
      });

      await gateway.publishEvent(buildDeviceEvent({ name: 'slow' }));
      await gateway.publishEvent(buildDeviceEvent({ name: 'next' }));
      const reply = broker.request(buildRequestEnvelope());
      let replied = false;
      void reply.then(() => (replied = true));
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(seen).toEqual(['slow', 'next']);
      expect(replied).toBe(false);
      slow.open();
      await expect(reply).resolves.toMatchObject({ v: 1 });
    });
  });

  describe('when the other thread is lost', () => {
    it('rejects the waiting requests with DH_ERR_BACKEND_UNAVAILABLE and refuses new ones', async () => {
      const never = gate();
      await startWith(async (env) => {
        await never.opened;
        return buildReplyEnvelope(env);
      });
      const waiting = broker.request(buildRequestEnvelope()).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 20));

      broker.peerLost();

      expect(isDhError(await waiting) && (await waiting)).toMatchObject({
        code: 'DH_ERR_BACKEND_UNAVAILABLE',
      });
      expect(broker.ready).toBe(false);
      await expect(broker.request(buildRequestEnvelope())).rejects.toMatchObject({
        code: 'DH_ERR_BACKEND_UNAVAILABLE',
      });
      never.open();
    });
  });

  describe('when a reply comes after the request timed out', () => {
    it('counts it as late and delivers nothing', async () => {
      const slow = gate();
      await startWith(async (env) => {
        await slow.opened;
        return buildReplyEnvelope(env);
      });

      const error = await broker
        .request(buildRequestEnvelope({ deadline: Date.now() + 50 }))
        .catch((e: unknown) => e);
      slow.open();

      expect(isDhError(error) && error.code).toBe('DH_ERR_BACKEND_TIMEOUT');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(broker.counters().lateReplies).toBe(1);
      expect(broker.pending).toBe(0);
    });
  });

  describe('when the request handler throws', () => {
    it('rejects request() with DH_ERR_INTERNAL at once', async () => {
      await startWith(async () => {
        throw new Error('relation "device" does not exist');
      });

      const error = await broker.request(buildRequestEnvelope()).catch((e: unknown) => e);

      expect(isDhError(error) && error.code).toBe('DH_ERR_INTERNAL');
    });
  });

  describe('when a reply carries values JSON cannot carry', () => {
    it('delivers them as they would arrive over Kafka', async () => {
      await startWith(
        async (env) =>
          ({
            ...buildReplyEnvelope(env, { at: new Date(0), gone: undefined }),
            // A function cannot cross threads: JSON drops it, as Kafka would.
            extra: () => undefined,
          }) as ReplyEnvelope,
      );

      const reply = await broker.request(buildRequestEnvelope());

      expect(reply.reply).toEqual({
        action: 'server/info',
        requestId: expect.anything(),
        status: 'success',
        at: '1970-01-01T00:00:00.000Z',
      });
      expect(reply).not.toHaveProperty('extra');
    });
  });

  describe('when a broker event handler throws', () => {
    it('reports the error and still delivers the event to the other handlers', async () => {
      const errors: unknown[] = [];
      const ports = channel();
      broker = createWorkerBrokerBus(ports.brokerPort, {
        onEventHandlerError: (error) => errors.push(error),
      });
      gateway = createWorkerGatewayBus(ports.gatewayPort);
      const received: DeviceEvent[] = [];
      broker.onEvent(() => {
        throw new Error('push failed');
      });
      broker.onEvent((event) => {
        received.push(event);
      });
      gateway.serve(async (env) => buildReplyEnvelope(env));
      await gateway.start();
      await broker.start();
      const event = buildDeviceEvent();

      await gateway.publishEvent(event);
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(received).toEqual([event]);
      expect(errors).toEqual([new Error('push failed')]);
    });
  });
});
