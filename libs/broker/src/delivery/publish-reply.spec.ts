import { formatErrorTopic, formatResponseTopic } from '@dh-mqtt/protocol';
import { silentLogger } from '@dh-mqtt/runtime';
import type { BrokerContext } from '../broker-context';
import { publishReply, replyTopic } from './publish-reply';

describe(replyTopic.name, () => {
  const levels = (count: number) => Array.from({ length: count }, () => 'a').join('/');

  it.each([
    ['server/info', formatResponseTopic('server/info', 'c1')],
    ['user/getCurrent', formatResponseTopic('user/getCurrent', 'c1')],
    [levels(97), formatResponseTopic(levels(97), 'c1')],
  ])('routes a reply to %s to its response topic', (action, topic) => {
    expect(replyTopic(action, 'c1')).toBe(topic);
  });

  it.each([
    ['no action', null],
    ['a wildcard', 'device/+'],
    ['an owner separator', 'token@other'],
    ['an empty level', 'device//get'],
    ['more levels than aedes routes (101 with the prefix)', levels(99)],
    ['a topic over 65535 bytes', 'a'.repeat(65_530)],
  ])('falls back to the reserved error topic for %s', (_case, action) => {
    expect(replyTopic(action, 'c1')).toBe(formatErrorTopic('c1'));
  });

  it('honours a lower level limit', () => {
    expect(replyTopic('a/b/c', 'c1', 4)).toBe(formatErrorTopic('c1'));
    expect(replyTopic('a/b', 'c1', 4)).toBe(formatResponseTopic('a/b', 'c1'));
  });
});

describe(publishReply.name, () => {
  type Packet = { topic: string; qos: number; payload: Buffer; brokerId?: string };
  const setup = (options: {
    owner?: { clean: boolean; closed: boolean };
    sharedEmitter: boolean;
  }) => {
    const published: Packet[] = [];
    const local: Packet[] = [];
    const aedes = {
      id: 'pod-1',
      counter: 0,
      clients: options.owner ? { c1: options.owner } : {},
      mq: options.sharedEmitter
        ? { _emit: (packet: Packet, done: () => void) => (local.push(packet), done()) }
        : {},
      publish: (packet: Packet, done: () => void) => (published.push(packet), done()),
    };
    const ctx = { aedes, logger: silentLogger() } as unknown as BrokerContext;
    return { ctx, published, local };
  };
  const reply = { action: 'server/info', requestId: 1, status: 'success' };

  it('delivers on this pod only when the owner is here with a clean session (shared emitter)', async () => {
    const { ctx, published, local } = setup({
      owner: { clean: true, closed: false },
      sharedEmitter: true,
    });
    await publishReply(ctx, 'c1', 'server/info', reply);
    expect(published).toEqual([]);
    expect(local).toEqual([
      expect.objectContaining({
        topic: formatResponseTopic('server/info', 'c1'),
        qos: 1,
        brokerId: 'pod-1',
        brokerCounter: 1,
        retain: false,
      }),
    ]);
    expect(JSON.parse(local[0].payload.toString())).toEqual(reply);
  });

  it.each([
    ['a persistent session (its offline queue)', { clean: false, closed: false }, true],
    ['an owner on another pod', undefined, true],
    ['a closed connection', { clean: true, closed: true }, true],
    ['an in-memory emitter (embedded)', { clean: true, closed: false }, false],
  ])('publishes through aedes for %s', async (_case, owner, sharedEmitter) => {
    const { ctx, published, local } = setup({ owner, sharedEmitter });
    await publishReply(ctx, 'c1', 'server/info', reply);
    expect(local).toEqual([]);
    expect(published).toEqual([
      expect.objectContaining({ topic: formatResponseTopic('server/info', 'c1'), qos: 1 }),
    ]);
  });
});
