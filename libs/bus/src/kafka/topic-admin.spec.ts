import { KAFKA_PARTITIONED_TOPICS } from '@dh-mqtt/runtime';
import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Admin } from 'kafkajs';
import { KAFKA_TOPIC_ROLES } from '../kafka-topics';
import { buildReplyEnvelope } from '../testing';
import {
  capturedLogger,
  closeAfterEach,
  createLedTopic,
  rawProducer,
  testKafkaOptions,
  withRawAdmin,
} from '../testing/kafka.fixtures';
import { resolveOptions } from './kafka-bus-options';
import { createKafkaGatewayBus } from './kafka-gateway-bus';
import { ensureTopics, waitForLeaders } from './topic-admin';

jest.setTimeout(60_000);

// docs/operations.md, DH_KAFKA_PARTITIONS: the partitions of the topics a pod creates.
describe('the topics a bus creates', () => {
  const closeLater = closeAfterEach();

  it('are the ones DH_KAFKA_PARTITIONS can name', () => {
    // The runtime reads the variable and cannot import the bus (the bus depends on it).
    expect([...KAFKA_PARTITIONED_TOPICS].sort()).toEqual([...KAFKA_TOPIC_ROLES].sort());
  });

  it('get the partitions asked for, and the pod that created them logs each', async () => {
    const options = { ...testKafkaOptions(), partitions: { requests: 5, events: 3 } };
    const first = capturedLogger();
    const gateway = closeLater(createKafkaGatewayBus({ ...options, logger: first.logger }));
    gateway.serve(async (env) => buildReplyEnvelope(env));
    await gateway.start();

    const requests = `${options.namespace}dh.requests.v2`;
    const events = `${options.namespace}dh.events.v1`;
    const replies = `${options.namespace}dh.replies.v1`;
    const { topics } = await withRawAdmin((admin) =>
      admin.fetchTopicMetadata({ topics: [requests, events, replies] }),
    );
    const count = (name: string) => topics.find((t) => t.name === name)?.partitions.length;
    expect(count(requests)).toBe(5);
    expect(count(events)).toBe(3);
    // Not named: the default.
    expect(count(replies)).toBe(32);

    const created = first.lines.filter(
      (l) => l['msg'] === 'created Kafka topics (name: partitions)',
    );
    expect(created).toHaveLength(1);
    expect(created[0]?.['topics']).toMatchObject({ [requests]: 5, [events]: 3, [replies]: 32 });

    // A second pod finds them: it creates nothing and says nothing about it.
    const second = capturedLogger();
    const other = closeLater(createKafkaGatewayBus({ ...options, logger: second.logger }));
    other.serve(async (env) => buildReplyEnvelope(env));
    await other.start();
    expect(second.lines.some((l) => l['msg'] === 'created Kafka topics (name: partitions)')).toBe(
      false,
    );
  });

  it('that exists keeps its partitions, and a pod asked for others warns of it', async () => {
    const options = { ...testKafkaOptions(), partitions: { requests: 5, events: 3 } };
    const events = `${options.namespace}dh.events.v1`;
    const requests = `${options.namespace}dh.requests.v2`;
    await withRawAdmin((admin) => createLedTopic(admin, events, 2));
    const pod = capturedLogger();
    const gateway = closeLater(createKafkaGatewayBus({ ...options, logger: pod.logger }));
    gateway.serve(async (env) => buildReplyEnvelope(env));
    await gateway.start();

    const { topics } = await withRawAdmin((admin) =>
      admin.fetchTopicMetadata({ topics: [events, requests] }),
    );
    expect(topics.find((t) => t.name === events)?.partitions).toHaveLength(2);
    expect(topics.find((t) => t.name === requests)?.partitions).toHaveLength(5);
    const warnings = pod.lines.filter(
      (l) => l['msg'] === 'Kafka topic exists with other partitions than asked; it keeps its own',
    );
    expect(warnings).toEqual([
      expect.objectContaining({ topic: events, partitions: 2, asked: 3, level: 40 }),
    ]);
    const created = pod.lines.find((l) => l['msg'] === 'created Kafka topics (name: partitions)');
    expect(Object.keys(created?.['topics'] as object).sort()).toEqual(
      [requests, `${options.namespace}dh.replies.v1`, `${options.namespace}dh.pushes.v1`].sort(),
    );
  });

  it('that another pod created meanwhile are left out of its log; the others are in it', async () => {
    // The race of two pods starting at once: this pod listed the topics before the other one
    // created the event topic, so it asks Kafka for all four and finds that one taken.
    const options = resolveOptions(testKafkaOptions(), 'test');
    const events = `${options.namespace}dh.events.v1`;
    const pod = capturedLogger();
    await withRawAdmin(async (admin) => {
      const listedBefore = await admin.listTopics();
      await createLedTopic(admin, events, 2);
      const stale = Object.assign(Object.create(admin) as typeof admin, {
        listTopics: async () => listedBefore,
      });
      await ensureTopics(stale, options, ['requests', 'replies', 'events', 'pushes'], pod.logger);
    });

    const created = pod.lines.filter((l) => l['msg'] === 'created Kafka topics (name: partitions)');
    expect(created).toHaveLength(1);
    expect(created[0]?.['topics']).toEqual({
      [`${options.namespace}dh.requests.v2`]: 3,
      [`${options.namespace}dh.replies.v1`]: 4,
      [`${options.namespace}dh.pushes.v1`]: 2,
    });
    // Created and led: a producer can write to each at once.
    const producer = closeLater(await rawProducer());
    await producer.send({
      topic: `${options.namespace}dh.pushes.v1`,
      messages: [{ key: 'k', value: 'v' }],
    });
  });

  it('that exist are not compared when Kafka will not describe them, and the start goes on', async () => {
    const options = resolveOptions(
      { ...testKafkaOptions(), partitions: { requests: 5, events: 3 } },
      'test',
    );
    const first = capturedLogger();
    await withRawAdmin((admin) => ensureTopics(admin, options, ['events'], first.logger));
    const pod = capturedLogger();
    await withRawAdmin(async (admin) => {
      const refusing = Object.assign(Object.create(admin) as typeof admin, {
        fetchTopicMetadata: async () => {
          throw new Error('not authorized to describe');
        },
      });
      await ensureTopics(refusing, options, ['events'], pod.logger);
    });
    expect(pod.lines).toEqual([
      expect.objectContaining({
        msg: 'could not compare the partitions of existing Kafka topics with those asked',
        topics: [`${options.namespace}dh.events.v1`],
        level: 40,
      }),
    ]);
  });

  it('that one request failed to create are thrown after the others are logged', async () => {
    const options = resolveOptions(testKafkaOptions(), 'test');
    const events = `${options.namespace}dh.events.v1`;
    const pod = capturedLogger();
    const start = withRawAdmin((admin) => {
      const failing = Object.assign(Object.create(admin) as Admin, {
        createTopics: async (request: Parameters<Admin['createTopics']>[0]) => {
          if (request.topics.some((t) => t.topic === events)) throw new Error('quota exceeded');
          return admin.createTopics(request);
        },
      });
      return ensureTopics(failing, options, ['requests', 'events', 'pushes'], pod.logger);
    });
    await expect(start).rejects.toThrow('quota exceeded');
    const created = pod.lines.filter((l) => l['msg'] === 'created Kafka topics (name: partitions)');
    expect(created.map((l) => l['topics'])).toEqual([
      { [`${options.namespace}dh.requests.v2`]: 3, [`${options.namespace}dh.pushes.v1`]: 2 },
    ]);
  });
});

// What a Kafka started seconds before answers for a topic it has just created.
const notHosted = () =>
  new KafkaJSProtocolError({
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
    code: 3,
    retriable: true,
    message: 'This server does not host this topic-partition',
  } as unknown as Error);

describe('a pod that created topics', () => {
  const closeLater = closeAfterEach();

  it('waits out a Kafka that does not host them yet, and logs them as created', async () => {
    const options = resolveOptions(testKafkaOptions(), 'test');
    const pushes = `${options.namespace}dh.pushes.v1`;
    const pod = capturedLogger();
    let refusals = 3;
    await withRawAdmin((admin) => {
      const cold = Object.assign(Object.create(admin) as Admin, {
        fetchTopicMetadata: async (request: Parameters<Admin['fetchTopicMetadata']>[0]) => {
          if (refusals > 0) {
            refusals -= 1;
            throw notHosted();
          }
          return admin.fetchTopicMetadata(request);
        },
      });
      return ensureTopics(cold, options, ['pushes'], pod.logger);
    });
    expect(refusals).toBe(0);
    expect(pod.lines).toEqual([
      expect.objectContaining({
        msg: 'created Kafka topics (name: partitions)',
        topics: { [pushes]: 2 },
      }),
    ]);
    const producer = closeLater(await rawProducer());
    await producer.send({ topic: pushes, messages: [{ key: 'k', value: 'v' }] });
  });

  it('fails its start when no leaders come in time or Kafka refuses; waits out kafkajs retries', async () => {
    const leaderless = {
      fetchTopicMetadata: async () => ({
        topics: [{ name: 't', partitions: [{ partitionId: 0, leader: -1 }] }],
      }),
    } as unknown as Admin;
    const began = Date.now();
    await expect(waitForLeaders(leaderless, ['t'], 300)).rejects.toThrow(
      'Kafka topics t have no leader for every partition after 300 ms',
    );
    expect(Date.now() - began).toBeGreaterThanOrEqual(200);

    const cold = {
      fetchTopicMetadata: async () => Promise.reject(notHosted()),
    } as unknown as Admin;
    await expect(waitForLeaders(cold, ['t'], 300)).rejects.toMatchObject({
      cause: expect.objectContaining({ type: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    });

    // kafkajs' own retries, given up: still Kafka's retriable answer underneath.
    let exhausted = 2;
    const slow = {
      fetchTopicMetadata: async () => {
        if (exhausted-- > 0) {
          throw new KafkaJSNumberOfRetriesExceeded(notHosted(), { retryCount: 5, retryTime: 800 });
        }
        return { topics: [{ name: 't', partitions: [{ partitionId: 0, leader: 1 }] }] };
      },
    } as unknown as Admin;
    await expect(waitForLeaders(slow, ['t'], 5_000)).resolves.toBeUndefined();
    expect(exhausted).toBe(-1);

    let asked = 0;
    const refusing = {
      fetchTopicMetadata: async () => {
        asked += 1;
        throw new Error('not authorized to describe');
      },
    } as unknown as Admin;
    await expect(waitForLeaders(refusing, ['t'], 5_000)).rejects.toThrow(
      'not authorized to describe',
    );
    expect(asked).toBe(1);
  });
});
