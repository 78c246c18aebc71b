import { Registry } from 'prom-client';
import {
  GatewayKafkaMetrics,
  KafkaMetrics,
  type KafkaInstrumentation,
} from '../metrics/bus-metrics';
import type { RequestHandler } from '../bus.port';
import { buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { createKafkaBrokerBus } from './kafka-broker-bus';
import { registerKafkaBusMetrics } from './kafka-bus-metrics';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import { closeAfterEach, eventually, testKafkaOptions } from '../testing/kafka.fixtures';

jest.setTimeout(60_000);

/** The value of one sample on a registry's exposition (undefined when absent). */
async function sample(
  registry: Registry,
  name: string,
  labels: string,
): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

// docs/operations.md, "Metrics": the Kafka client metrics of a pod, from kafkajs' instrumentation.
describe(KafkaMetrics.name, () => {
  const closeLater = closeAfterEach();

  /** A started gateway bus serving with `handler`, and a started broker bus, on `options`. */
  async function startBuses(
    options: ReturnType<typeof testKafkaOptions>,
    gatewayMetrics: KafkaInstrumentation,
    brokerMetrics: KafkaInstrumentation,
    handler: RequestHandler,
  ) {
    const gateway = closeLater(createKafkaGatewayBus({ ...options, kafkaMetrics: gatewayMetrics }));
    gateway.serve(handler);
    await gateway.start();
    const broker = closeLater(
      createKafkaBrokerBus({ ...options, brokerId: 'broker-metrics', kafkaMetrics: brokerMetrics }),
    );
    await broker.start();
    return { gateway, broker };
  }

  it('counts group joins, fetches, produce latency, pacing and consumer lag of real broker and gateway buses', async () => {
    // Intervals far longer than a round trip here.
    const options = { ...testKafkaOptions(), fetchIntervalMs: 1_000, produceIntervalMs: 1_000 };
    const brokerMetrics = new Registry();
    const gatewayMetrics = new Registry();
    const { gateway, broker } = await startBuses(
      options,
      new KafkaMetrics(gatewayMetrics),
      new KafkaMetrics(brokerMetrics),
      async (env) => buildReplyEnvelope(env),
    );
    registerKafkaBusMetrics(gatewayMetrics, () => gateway.counters());
    registerKafkaBusMetrics(brokerMetrics, () => broker.counters());

    // Two rounds of two requests at once: the second round comes within the intervals after a
    // fetch and a produce batch of two records, so both are held (docs/adr/0022).
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        [0, 1].map(() => broker.request(buildRequestEnvelope({ deadline: Date.now() + 10_000 }))),
      );
    }

    expect(
      await sample(gatewayMetrics, 'dh_kafka_rebalances_total', '{group="dh.gateway.requests.v2"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await sample(brokerMetrics, 'dh_kafka_rebalances_total', '{group="dh.broker.replies.v1"}'),
    ).toBeGreaterThanOrEqual(1);
    // Four requests produced by the broker, four replies by the gateway.
    expect(
      await sample(brokerMetrics, 'dh_kafka_produce_duration_seconds_count', ''),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await sample(gatewayMetrics, 'dh_kafka_produce_duration_seconds_count', ''),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await sample(gatewayMetrics, 'dh_kafka_fetches_total', '{group="dh.gateway.requests.v2"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await sample(gatewayMetrics, 'dh_kafka_pacing_seconds_total', '{stage="fetch"}'),
    ).toBeGreaterThan(0);
    expect(
      await sample(brokerMetrics, 'dh_kafka_pacing_seconds_total', '{stage="produce"}'),
    ).toBeGreaterThan(0);
    // The gateway has read every request: no lag left on the request topic.
    await eventually(async () => {
      const text = await gatewayMetrics.metrics();
      const lag = text
        .split('\n')
        .filter((l) => l.startsWith('dh_kafka_consumer_lag{group="dh.gateway.requests.v2"'));
      expect(lag.length).toBeGreaterThan(0);
      expect(lag.every((l) => l.endsWith(' 0'))).toBe(true);
    });
  });

  it("times a gateway request's wait from its Kafka record to its action, and its run to its reply", async () => {
    const options = testKafkaOptions();
    const gatewayMetrics = new Registry();
    const brokerMetrics = new Registry();
    // The first request of the client takes 400 ms; the second, in the same record, waits
    // behind it in the client's queue (requests of one client run in order).
    let first = true;
    const { broker } = await startBuses(
      options,
      new GatewayKafkaMetrics(gatewayMetrics),
      new KafkaMetrics(brokerMetrics),
      async (env) => {
        if (first) {
          first = false;
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
        return buildReplyEnvelope(env);
      },
    );

    await Promise.all(
      [0, 1].map(() =>
        broker.request(
          buildRequestEnvelope({ clientId: 'client-wait', deadline: Date.now() + 10_000 }),
        ),
      ),
    );

    expect(await sample(gatewayMetrics, 'dh_gateway_request_wait_seconds_count', '')).toBe(2);
    // The second waited the first one's 400 ms at least.
    expect(
      await sample(gatewayMetrics, 'dh_gateway_request_wait_seconds_sum', ''),
    ).toBeGreaterThanOrEqual(0.4);
    expect(
      await sample(gatewayMetrics, 'dh_gateway_request_wait_seconds_bucket', '{le="0.25"}'),
    ).toBeLessThanOrEqual(1);
    // The first ran 400 ms at least. A run ends when its reply is acknowledged (by Kafka here),
    // which may come after the broker pod has read it: wait for the second observation.
    await eventually(async () =>
      expect(await sample(gatewayMetrics, 'dh_gateway_request_run_seconds_count', '')).toBe(2),
    );
    expect(
      await sample(gatewayMetrics, 'dh_gateway_request_run_seconds_sum', ''),
    ).toBeGreaterThanOrEqual(0.4);
    // A broker pod has no such wait.
    expect((await brokerMetrics.metrics()).includes('dh_gateway_request_wait_seconds')).toBe(false);
  });
});
