import { buildReplyEnvelope } from '../testing';
import {
  capturedLogger,
  closeAfterEach,
  testKafkaOptions,
  withRawAdmin,
} from '../testing/kafka.fixtures';
import { createKafkaGatewayBus } from './kafka-gateway-bus';

jest.setTimeout(60_000);

// docs/operations.md, DH_KAFKA_PARTITIONS: the partitions of the topics a pod creates.
describe('the topics a bus creates', () => {
  const closeLater = closeAfterEach();

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
});
