import { silentLogger } from '@dh-mqtt/runtime';
import type { KafkaMessage, Producer } from 'kafkajs';
import {
  createLedTopic,
  eventually,
  rawKafka,
  rawProducer,
  withRawAdmin,
} from '../testing/kafka.fixtures';
import { kafkajsConsumerGroup } from './fetch-pacing';
import { GroupConsumer } from './group-consumer';

// Long next to the bursts' timing, so that a slow machine's sends still fall within one interval.
const INTERVAL_MS = 1_000;
const FETCH_WAIT_MS = 100;

let sequence = 0;
const kafka = rawKafka();
let producer: Producer;

beforeAll(async () => {
  producer = await rawProducer();
});

afterAll(async () => {
  await producer.disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A one-partition topic and a consumer of it that notes when each record reached it. */
async function consumerOf(
  fetchIntervalMs: number,
  weighRecord?: (message: KafkaMessage) => number,
) {
  sequence += 1;
  const name = `fetch-pacing-${process.pid}-${Date.now().toString(36)}-${sequence}`;
  await withRawAdmin((admin) => createLedTopic(admin, name, 1));
  const arrivals = new Map<string, number>();
  const holds: number[] = [];
  let fetches = 0;
  const consumer = new GroupConsumer({
    kafka,
    logger: silentLogger(),
    groupId: `${name}-group`,
    topic: name,
    fromBeginning: true,
    commits: 'caller',
    sessionTimeoutMs: 6_000,
    maxFetchWaitMs: FETCH_WAIT_MS,
    fetchIntervalMs,
    onPacingHold: (ms) => holds.push(ms),
    weighRecord,
    restartDelay: { initialMs: 100, maxMs: 1_000 },
    instrument: (c) => c.on(c.events.FETCH, () => (fetches += 1)),
    eachMessage: async ({ message }) => {
      arrivals.set(String(message.key), Date.now());
    },
  });
  await consumer.start();
  const sendAll = (keys: string[]) =>
    producer.send({ topic: name, messages: keys.map((key) => ({ key, value: key })) });
  return { consumer, arrivals, holds, sendAll, fetches: () => fetches };
}

/**
 * `first` in one produce (r0 and r0b unless told), then r1–r4 30 ms apart from the moment the
 * last of `first` was handed over.
 */
async function burstAfter(
  sendAll: (keys: string[]) => Promise<unknown>,
  arrivals: Map<string, number>,
  first = ['r0', 'r0b'],
) {
  await sendAll(first);
  await eventually(() => expect(arrivals.has(first[first.length - 1])).toBe(true));
  for (const key of ['r1', 'r2', 'r3', 'r4']) {
    await sendAll([key]);
    await sleep(30);
  }
  await eventually(() => expect(arrivals.has('r4')).toBe(true));
  const later = ['r1', 'r2', 'r3', 'r4'].map((key) => arrivals.get(key) ?? NaN);
  return {
    spread: Math.max(...later) - Math.min(...later),
    wait: later[0] - (arrivals.get('r0') ?? NaN),
  };
}

describe('fetch pacing (docs/adr/0022)', () => {
  it('relies on the kafkajs ConsumerGroup.fetch it wraps', () => {
    expect(typeof kafkajsConsumerGroup().prototype.fetch).toBe('function');
  });

  it('after a fetch of two records, hands over the records of the interval together, in one later fetch', async () => {
    const { consumer, arrivals, holds, sendAll } = await consumerOf(INTERVAL_MS);
    try {
      const { spread, wait } = await burstAfter(sendAll, arrivals);

      // r1–r4 were written over ~90 ms and came back in the next fetch, which started no sooner
      // than the interval after the one that brought r0 and r0b.
      expect(spread).toBeLessThan(20);
      expect(wait).toBeGreaterThan(INTERVAL_MS - 300);
      expect(holds.length).toBeGreaterThanOrEqual(1);
      expect(Math.max(...holds)).toBeLessThanOrEqual(INTERVAL_MS);
    } finally {
      await consumer.stop();
    }
  }, 30_000);

  it('holds after a fetch of one record that weighs two, as after two records (docs/adr/0024)', async () => {
    const weight = (message: KafkaMessage) => (String(message.key) === 'r0' ? 2 : 1);
    const { consumer, arrivals, holds, sendAll } = await consumerOf(INTERVAL_MS, weight);
    try {
      const { spread, wait } = await burstAfter(sendAll, arrivals, ['r0']);

      expect(spread).toBeLessThan(20);
      expect(wait).toBeGreaterThan(INTERVAL_MS - 300);
      expect(holds.length).toBeGreaterThanOrEqual(1);
    } finally {
      await consumer.stop();
    }
  }, 30_000);

  it('does not hold after a fetch of one record: one client waiting for each reply is not slowed', async () => {
    const { consumer, arrivals, holds, sendAll } = await consumerOf(INTERVAL_MS);
    try {
      for (const key of ['r0', 'r1', 'r2', 'r3']) {
        const sent = Date.now();
        await sendAll([key]);
        await eventually(() => expect(arrivals.has(key)).toBe(true));
        expect((arrivals.get(key) ?? NaN) - sent).toBeLessThan(INTERVAL_MS / 2);
      }
      expect(holds).toEqual([]);
    } finally {
      await consumer.stop();
    }
  }, 30_000);

  it('does not hold an idle consumer: a fetch that returned nothing is followed at once', async () => {
    const { consumer, arrivals, holds, sendAll, fetches } = await consumerOf(INTERVAL_MS);
    try {
      await sendAll(['r0', 'r0b']);
      await eventually(() => expect(arrivals.has('r0b')).toBe(true));
      await sleep(INTERVAL_MS); // past the one hold that follows their fetch
      const holdsBefore = holds.length;
      const before = fetches();
      await sleep(1_000);

      // Kafka's long poll ends every FETCH_WAIT_MS with nothing: ~10 fetches, none held (one if
      // the interval applied to them).
      expect(fetches() - before).toBeGreaterThanOrEqual(4);
      expect(holds.length).toBe(holdsBefore);

      // and records that arrive then are handed over without waiting for an interval
      const sent = Date.now();
      await sendAll(['r1', 'r1b']);
      await eventually(() => expect(arrivals.has('r1b')).toBe(true));
      expect((arrivals.get('r1b') ?? NaN) - sent).toBeLessThan(INTERVAL_MS / 2);
    } finally {
      await consumer.stop();
    }
  }, 30_000);

  it('without an interval hands each record over as it arrives', async () => {
    const { consumer, arrivals, holds, sendAll } = await consumerOf(0);
    try {
      const { spread } = await burstAfter(sendAll, arrivals);

      expect(spread).toBeGreaterThan(50);
      expect(holds).toEqual([]);
    } finally {
      await consumer.stop();
    }
  }, 30_000);
});
