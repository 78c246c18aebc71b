import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { emptyCounters } from '../kafka/kafka-bus-options';
import { KafkaMetrics, registerBusMetrics, type InstrumentedClient } from './bus-metrics';

const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
};

/** A kafkajs-like client: `events` names, `on` listeners, `emit` as kafkajs' instrumentation. */
function fakeClient(): InstrumentedClient & { emit(event: string, payload: object): void } {
  const emitter = new EventEmitter();
  return {
    events: {
      GROUP_JOIN: 'consumer.group_join',
      END_BATCH_PROCESS: 'consumer.end_batch_process',
      REQUEST: 'producer.network.request',
    },
    on: (event, listener) => emitter.on(event, listener),
    emit: (event, payload) => emitter.emit(event, { payload }),
  };
}

describe(registerBusMetrics.name, () => {
  it('reports the bus up while it is ready, down when not, up for a bus without readiness', async () => {
    const registry = new Registry();
    const bus = { ready: true };
    registerBusMetrics(registry, bus);
    expect(await value(registry, 'dh_bus_up')).toBe(1);
    bus.ready = false;
    expect(await value(registry, 'dh_bus_up')).toBe(0);
    const inProcess = new Registry();
    registerBusMetrics(inProcess, {});
    expect(await value(inProcess, 'dh_bus_up')).toBe(1);
  });

  it('exports the bus counters as dh_bus_errors_total by kind', async () => {
    const registry = new Registry();
    const counters = emptyCounters();
    registerBusMetrics(registry, { counters: () => ({ ...counters }) });
    counters.produceErrors = 2;
    counters.malformed = 1;
    expect(await value(registry, 'dh_bus_errors_total', { kind: 'produce_error' })).toBe(2);
    counters.produceErrors = 3;
    expect(await value(registry, 'dh_bus_errors_total', { kind: 'produce_error' })).toBe(3);
    expect(await value(registry, 'dh_bus_errors_total', { kind: 'malformed' })).toBe(1);
  });
});

describe(KafkaMetrics.name, () => {
  it('sets the consumer lag per group and partition after each batch, and counts rebalances', async () => {
    const registry = new Registry();
    const metrics = new KafkaMetrics(registry);
    const consumer = fakeClient();
    metrics.instrumentConsumer(consumer, 'dh.gateway.requests.v2');
    consumer.emit('consumer.group_join', { groupId: 'dh.gateway.requests.v2' });
    consumer.emit('consumer.end_batch_process', {
      topic: 'dh.requests.v2',
      partition: 3,
      offsetLag: '42',
    });
    expect(
      await value(registry, 'dh_kafka_consumer_lag', {
        group: 'dh.gateway.requests.v2',
        topic: 'dh.requests.v2',
        partition: '3',
      }),
    ).toBe(42);
    expect(await value(registry, 'dh_kafka_rebalances_total')).toBe(1);
  });

  it('observes the duration of Produce requests only', async () => {
    const registry = new Registry();
    const metrics = new KafkaMetrics(registry);
    const producer = fakeClient();
    metrics.instrumentProducer(producer);
    producer.emit('producer.network.request', { apiName: 'Produce', duration: 4 });
    producer.emit('producer.network.request', { apiName: 'Metadata', duration: 9 });
    const text = await registry.metrics();
    expect(text).toContain('dh_kafka_produce_duration_seconds_count 1');
    expect(text).toContain('dh_kafka_produce_duration_seconds_sum 0.004');
  });
});
