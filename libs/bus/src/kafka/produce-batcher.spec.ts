import { isDhError } from '@dh-mqtt/protocol';
import type { Producer } from 'kafkajs';
import { ProduceBatcher, type ProduceRecord } from './produce-batcher';

type SendBatch = Producer['sendBatch'];
type BatchArgs = Parameters<SendBatch>[0];

/** A producer that records each sendBatch and lets the test settle it. */
function fakeProducer() {
  const batches: Array<{ args: BatchArgs; settle(error?: Error): void }> = [];
  const producer = {
    sendBatch: ((args: BatchArgs) =>
      new Promise((resolve, reject) => {
        batches.push({ args, settle: (error) => (error ? reject(error) : resolve([])) });
      })) as SendBatch,
  };
  return { producer, batches };
}

const record = (key: string, value = `v-${key}`): ProduceRecord => ({ key, value, headers: {} });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(ProduceBatcher.name, () => {
  it('sends the records of one event-loop turn as one batch, in call order per topic', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer);

    const sent = [
      batcher.send('requests', record('a')),
      batcher.send('events', record('e1')),
      batcher.send('requests', record('b')),
      batcher.send('requests', record('a', 'second of a')),
    ];
    await turn();

    expect(batches).toHaveLength(1);
    expect(batches[0].args.acks).toBe(-1);
    expect(
      batches[0].args.topicMessages?.map((t) => [t.topic, t.messages.map((m) => m.value)]),
    ).toEqual([
      ['requests', ['v-a', 'v-b', 'second of a']],
      ['events', ['v-e1']],
    ]);
    batches[0].settle();
    await expect(Promise.all(sent)).resolves.toHaveLength(4);
  });

  it('packs the records of a packed topic per partition, in call order, counting them once acknowledged', async () => {
    const { producer, batches } = fakeProducer();
    const packed: Array<[number, number]> = [];
    const batcher = new ProduceBatcher(() => producer, {
      packedTopics: ['requests'],
      onPacked: (records, values) => packed.push([records, values]),
    });
    const on = (partition: number, key: string, value: unknown): ProduceRecord => ({
      key,
      partition,
      value: JSON.stringify(value),
      headers: { 'dh-broker-id': 'b1' },
    });

    const sent = [
      batcher.send('requests', on(3, 'a', { n: 1 })),
      batcher.send('requests', on(5, 'b', { n: 2 })),
      batcher.send('events', record('e1')),
      batcher.send('requests', on(3, 'c', { n: 3 })),
    ];
    await turn();

    const [requests, events] = batches[0].args.topicMessages ?? [];
    expect(requests.topic).toBe('requests');
    expect(
      requests.messages.map((m) => ({
        key: m.key,
        partition: m.partition,
        headers: m.headers,
        values: JSON.parse(String(m.value)),
      })),
    ).toEqual([
      {
        key: 'a',
        partition: 3,
        headers: { 'dh-broker-id': 'b1', 'dh-count': '2' },
        values: [{ n: 1 }, { n: 3 }],
      },
      {
        key: 'b',
        partition: 5,
        headers: { 'dh-broker-id': 'b1', 'dh-count': '1' },
        values: [{ n: 2 }],
      },
    ]);
    expect(events.messages.map((m) => m.value)).toEqual(['v-e1']);
    expect(packed).toEqual([]);
    batches[0].settle();
    await expect(Promise.all(sent)).resolves.toHaveLength(4);
    expect(packed).toEqual([[2, 3]]);
  });

  it('packs only records of the same partition and headers; a record without a partition goes alone', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer, { packedTopics: ['requests'] });
    const on = (partition: number | undefined, broker: string, n: number): ProduceRecord => ({
      key: `k${n}`,
      partition,
      value: String(n),
      headers: { 'dh-broker-id': broker },
    });

    for (const record of [
      on(1, 'b1', 1),
      on(1, 'b2', 2),
      on(1, 'b2', 3),
      on(undefined, 'b1', 4),
      on(undefined, 'b1', 5),
      on(1, 'b1', 6),
    ]) {
      void batcher.send('requests', record);
    }
    await turn();

    expect(
      batches[0].args.topicMessages?.[0].messages.map((m) => [
        m.partition,
        m.headers?.['dh-broker-id'],
        m.value,
      ]),
    ).toEqual([
      [1, 'b1', '[1]'],
      [1, 'b2', '[2,3]'],
      [undefined, 'b1', '[4]'],
      [undefined, 'b1', '[5]'],
      [1, 'b1', '[6]'],
    ]);
  });

  it('fails every packed send of a refused batch and counts no packed record', async () => {
    const { producer, batches } = fakeProducer();
    const packed: number[] = [];
    const batcher = new ProduceBatcher(() => producer, {
      packedTopics: ['requests'],
      onPacked: (records) => packed.push(records),
    });
    const sent = ['a', 'b'].map((key) =>
      batcher.send('requests', { key, partition: 0, value: '{}', headers: {} }),
    );
    await turn();

    batches[0].settle(new Error('NOT_ENOUGH_REPLICAS'));
    for (const outcome of sent) await expect(outcome).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    expect(packed).toEqual([]);
  });

  it('resolves no send before Kafka acknowledged its batch', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer);
    let done = false;
    void batcher.send('t', record('a')).then(() => (done = true));
    await turn();
    await turn();

    expect(done).toBe(false);
    batches[0].settle();
    await turn();
    expect(done).toBe(true);
  });

  it('holds what is sent while a batch is in flight and sends it as the next batch', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer);
    void batcher.send('t', record('a'));
    await turn();
    void batcher.send('t', record('b'));
    void batcher.send('t', record('c'));
    await turn();

    expect(batches).toHaveLength(1);
    expect(batcher.queued).toBe(2);
    batches[0].settle();
    await turn();

    expect(batches.map((b) => b.args.topicMessages?.[0].messages.map((m) => m.key))).toEqual([
      ['a'],
      ['b', 'c'],
    ]);
  });

  it('fails every send of a batch Kafka refused, and none of the next batch', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer);
    const refused = [batcher.send('t', record('a')), batcher.send('t', record('b'))];
    await turn();
    const later = batcher.send('t', record('c'));
    await turn();

    batches[0].settle(new Error('NOT_ENOUGH_REPLICAS'));
    for (const outcome of refused) await expect(outcome).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await turn();
    batches[1].settle();
    await expect(later).resolves.toBeUndefined();
  });

  it('cuts a batch at the record limit and at the byte limit; a big record goes alone', async () => {
    const { producer, batches } = fakeProducer();
    const batcher = new ProduceBatcher(() => producer, { maxRecords: 2, maxBytes: 100 });

    void batcher.send('t', record('1'));
    void batcher.send('t', record('2')); // 2 records: the limit
    void batcher.send('t', record('3'));
    void batcher.send('t', record('big', 'x'.repeat(150))); // would pass 100 bytes: 3 goes first
    void batcher.send('t', record('4'));
    for (let i = 0; i < 4; i += 1) {
      await turn();
      batches[i].settle();
    }

    expect(batches.map((b) => b.args.topicMessages?.[0].messages.map((m) => m.key))).toEqual([
      ['1', '2'],
      ['3'],
      ['big'],
      ['4'],
    ]);
  });

  describe('with an interval between batches', () => {
    // Long next to the test's own steps, so that a slow machine stays within one interval.
    const INTERVAL_MS = 200;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    /** A batcher with the interval on a fake producer, and the holds it reported. */
    function pacedBatcher() {
      const { producer, batches } = fakeProducer();
      const holds: number[] = [];
      const batcher = new ProduceBatcher(() => producer, {
        intervalMs: INTERVAL_MS,
        onHold: (ms) => holds.push(ms),
      });
      return { batcher, batches, holds };
    }

    it('sends at once when the last batch left longer ago than the interval', async () => {
      const { batcher, batches, holds } = pacedBatcher();

      void batcher.send('t', record('a'));
      void batcher.send('t', record('a2')); // two records: the next batch may be held
      await turn();
      expect(batches).toHaveLength(1);
      batches[0].settle();
      await sleep(INTERVAL_MS + 20);
      void batcher.send('t', record('b'));
      await turn();

      expect(batches).toHaveLength(2);
      expect(holds).toEqual([]);
    });

    it('holds records sent within the interval and sends them as one batch when it ends', async () => {
      const { batcher, batches, holds } = pacedBatcher();

      const started = Date.now();
      void batcher.send('t', record('a'));
      void batcher.send('t', record('a2'));
      await turn();
      batches[0].settle(); // acknowledged at once: without the interval b would leave now
      const later = [batcher.send('t', record('b'))];
      await sleep(10);
      later.push(batcher.send('t', record('c')));
      await sleep(10);
      expect(batches).toHaveLength(1);

      await sleep(INTERVAL_MS);
      expect(batches).toHaveLength(2);
      expect(batches[1].args.topicMessages?.[0].messages.map((m) => m.key)).toEqual(['b', 'c']);
      batches[1].settle();
      await expect(Promise.all(later)).resolves.toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(INTERVAL_MS - 1);
      expect(holds).toHaveLength(1);
      expect(holds[0]).toBeGreaterThan(INTERVAL_MS / 2);
      expect(holds[0]).toBeLessThanOrEqual(INTERVAL_MS);
    });

    it('does not hold after a batch of one record: one client at a time is not slowed', async () => {
      const { batcher, batches, holds } = pacedBatcher();

      for (const key of ['a', 'b', 'c']) {
        void batcher.send('t', record(key));
        await turn();
        batches[batches.length - 1].settle();
        await turn();
      }

      expect(batches.map((b) => b.args.topicMessages?.[0].messages.map((m) => m.key))).toEqual([
        ['a'],
        ['b'],
        ['c'],
      ]);
      expect(holds).toEqual([]);
    });

    it('still answers 503 at once when there is no producer', async () => {
      const batcher = new ProduceBatcher(() => undefined, { intervalMs: INTERVAL_MS });
      const started = Date.now();

      const errors = await Promise.all([
        batcher.send('t', record('a')).catch((e: unknown) => e),
        batcher.send('t', record('b')).catch((e: unknown) => e),
      ]);

      expect(errors.map((e) => isDhError(e) && e.status)).toEqual([503, 503]);
      expect(Date.now() - started).toBeLessThan(INTERVAL_MS);
    });
  });

  it('answers 503 at once when there is no producer (not connected)', async () => {
    const batcher = new ProduceBatcher(() => undefined);

    const error = await batcher.send('t', record('a')).catch((e: unknown) => e);

    expect(isDhError(error) && error.status).toBe(503);
  });
});
