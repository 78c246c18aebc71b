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

  it('answers 503 at once when there is no producer (not connected)', async () => {
    const batcher = new ProduceBatcher(() => undefined);

    const error = await batcher.send('t', record('a')).catch((e: unknown) => e);

    expect(isDhError(error) && error.status).toBe(503);
  });
});
