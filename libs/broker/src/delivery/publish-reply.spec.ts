import { formatErrorTopic, formatResponseTopic } from '@dh-mqtt/protocol';
import { replyTopic } from './publish-reply';

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
