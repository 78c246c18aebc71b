import { isDhError } from '@dh-mqtt/protocol';
import { buildReplyEnvelope, buildRequestEnvelope, gate } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import {
  capturedLogger,
  closeAfterEach,
  deadPort,
  eventually,
  networkFault,
  startUntilItFails,
  testKafkaOptions,
} from '../testing/kafka.fixtures';

jest.setTimeout(90_000);

const closeLater = closeAfterEach();

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

const fastRetry = { startRetry: { initialMs: 50, maxMs: 400 } };

describe('Kafka bus faults', () => {
  describe('when Kafka is unreachable at start', () => {
    it('keeps retrying with a clear error, stays not ready, and neither crashes nor gives up', async () => {
      const brokers = [`127.0.0.1:${await deadPort()}`];
      const { logger, lines } = capturedLogger();
      const broker = closeLater(
        createKafkaBrokerBus({ brokers, brokerId: 'broker-1', logger, ...fastRetry }),
      );
      const { started, outcome } = await startUntilItFails(broker, 2);

      expect(outcome()).toBe('pending');
      expect(broker.ready).toBe(false);
      const failures = lines.filter((l) =>
        String(l['msg']).startsWith(`Kafka unreachable at ${brokers[0]}`),
      );
      expect(failures.map((l) => l['retryInMs'])).toEqual(
        [50, 100, 200, 400, 400].slice(0, failures.length),
      );
      const refused = await errorOf(broker.request(buildRequestEnvelope()));
      expect(isDhError(refused) && refused.code).toBe('DH_ERR_BACKEND_UNAVAILABLE');
      await broker.close();
      await started;
      expect(outcome()).toBe('rejected');
    });

    it('becomes ready by itself once Kafka can be reached', async () => {
      const options = testKafkaOptions();
      const fault = networkFault();
      fault.cut();
      const gateway = closeLater(createKafkaGatewayBus(options));
      gateway.serve(async (env) => buildReplyEnvelope(env));
      await gateway.start();
      const broker = closeLater(
        createKafkaBrokerBus({
          ...options,
          ...fastRetry,
          brokerId: 'broker-1',
          socketFactory: fault.socketFactory,
        }),
      );
      const started = broker.start();
      await eventually(() => expect(broker.counters().connectFailures).toBeGreaterThanOrEqual(1));
      expect(broker.ready).toBe(false);

      fault.restore();
      await started;

      expect(broker.ready).toBe(true);
      const sent = buildRequestEnvelope({ deadline: Date.now() + 10_000 });
      await expect(broker.request(sent)).resolves.toMatchObject({ id: sent.id });
    });
  });

  describe('when Kafka becomes unreachable while running', () => {
    it('answers new requests with a 503 error, then recovers without a restart and delivers the replies written meanwhile', async () => {
      const options = testKafkaOptions();
      const fault = networkFault();
      const { logger, lines } = capturedLogger();
      const gateway = closeLater(createKafkaGatewayBus(options));
      const held = { reached: gate(), release: gate() };
      gateway.serve(async (env) => {
        if (env.request.requestId === 'held') {
          held.reached.open();
          await held.release.opened;
        }
        return buildReplyEnvelope(env);
      });
      await gateway.start();
      const broker = closeLater(
        createKafkaBrokerBus({
          ...options,
          ...fastRetry,
          brokerId: 'broker-1',
          logger,
          socketFactory: fault.socketFactory,
          maxReplyWaitMs: 60_000,
        }),
      );
      await broker.start();
      await broker.request(buildRequestEnvelope({ deadline: Date.now() + 10_000 }));
      const heldReply = broker.request(
        buildRequestEnvelope({
          request: { action: 'server/info', requestId: 'held' },
          deadline: Date.now() + 60_000,
        }),
      );
      await held.reached.opened;
      // The gateway may read the held request before the producer has its acknowledgement; a
      // cut in between fails that send although the request got through. With one produce
      // request in flight (maxInFlightRequests: 1), a later request's reply proves the held
      // one's send was acknowledged.
      await broker.request(
        buildRequestEnvelope({ clientId: 'client-b', deadline: Date.now() + 10_000 }),
      );

      fault.cut();
      const cutAt = Date.now();
      const error = await errorOf(
        broker.request(buildRequestEnvelope({ deadline: cutAt + 2_000 })),
      );

      expect(isDhError(error) && error.code).toMatch(/^DH_ERR_BACKEND_(UNAVAILABLE|TIMEOUT)$/);
      expect(Date.now() - cutAt).toBeLessThan(3_000);
      // Long enough for kafkajs to give up on the reply consumer: the broker is not ready.
      await eventually(() => {
        expect(lines.some((l) => l['msg'] === 'Kafka consumer failed; kafkajs restarts it')).toBe(
          true,
        );
        expect(broker.ready).toBe(false);
      }, 30_000);
      // The gateway still reaches Kafka: the held reply is written while the broker is cut off.
      held.release.open();
      await eventually(() => expect(gateway.counters().produceErrors).toBe(0));

      fault.restore();

      await expect(heldReply).resolves.toMatchObject({ reply: { requestId: 'held' } });
      await eventually(async () => {
        const sent = buildRequestEnvelope({ deadline: Date.now() + 2_000 });
        await expect(broker.request(sent)).resolves.toMatchObject({ id: sent.id });
      }, 20_000);
      await eventually(() => expect(broker.ready).toBe(true));
    });
  });
});
