import { parseTopic } from './topic-parse';
import type { Topic } from './topic.types';

const event = (
  kind: 'notification' | 'command' | 'command_update',
  networkId: number,
  deviceTypeId: number,
  deviceId: string,
  name: string,
  owner: string | null = null,
): Topic => ({ kind, networkId, deviceTypeId, deviceId, name, owner });

describe(parseTopic.name, () => {
  describe('when the topic is one of the topic cards (docs/topics)', () => {
    it.each<[string, Topic]>([
      ['dh/request', { kind: 'request' }],
      ['dh/response/token@c1', { kind: 'response', action: 'token', owner: 'c1' }],
      [
        'dh/response/user/getCurrent@c1',
        { kind: 'response', action: 'user/getCurrent', owner: 'c1' },
      ],
      ['dh/response/token/refresh@c1', { kind: 'response', action: 'token/refresh', owner: 'c1' }],
      ['dh/response/error@c1', { kind: 'response', action: 'error', owner: 'c1' }],
      [
        'dh/notification/1/2/dev-1/temperature',
        event('notification', 1, 2, 'dev-1', 'temperature'),
      ],
      ['dh/command/10/20/AbC-9/light', event('command', 10, 20, 'AbC-9', 'light')],
      ['dh/command_update/0/5/d/light', event('command_update', 0, 5, 'd', 'light')],
      ['dh/notification/1/2/d/temp@c1', event('notification', 1, 2, 'd', 'temp', 'c1')],
    ])('parses %s', (topic, expected) => {
      expect(parseTopic(topic)).toEqual(expected);
    });
  });

  describe('when the owner is an exotic client id', () => {
    it.each([
      ['a/b', 'client id with a slash'],
      ['a@b@c', 'client id with @ (owner is everything after the first @)'],
      ['my client', 'client id with spaces'],
      ['x'.repeat(64), 'client id longer than 23 characters'],
      ['__proto__', 'prototype key'],
      ['constructor', 'prototype key'],
      ['émoji-😀', 'non-ASCII client id'],
      ['a/', 'client id ending in a slash'],
    ])('keeps %j as the owner (%s)', (clientId) => {
      expect(parseTopic(`dh/response/user/getCurrent@${clientId}`)).toEqual({
        kind: 'response',
        action: 'user/getCurrent',
        owner: clientId,
      });
      expect(parseTopic(`dh/notification/1/2/d/temp@${clientId}`)).toEqual(
        event('notification', 1, 2, 'd', 'temp', clientId),
      );
    });
  });

  describe('when the topic is not a DeviceHive topic', () => {
    it.each([
      ['home/kitchen'],
      ['DH/request'],
      ['dhx/request'],
      ['dh@x/request'],
      ['/dh/request'],
      ['a@b/c'],
      ['x'],
    ])('treats %s as ordinary', (topic) => {
      expect(parseTopic(topic)).toEqual({ kind: 'ordinary' });
    });

    it.each([
      ['$SYS/broker/uptime', '$SYS'],
      ['$SYS', '$SYS'],
      ['$share/g/t', '$share'],
      ['$', '$'],
    ])('reports %s as a sys topic rooted at %s', (topic, root) => {
      expect(parseTopic(topic)).toEqual({ kind: 'sys', root });
    });
  });

  describe('when the topic is unacceptable', () => {
    it.each([
      ['', /empty/],
      ['dh/notification/1/2/d/te\u0000mp', /NUL/],
      ['home/\u0000', /NUL/],
      ['dh/notification/1/2/d/\ud800', /surrogate/],
      ['dh/notification/1/2/d/\udc00x', /surrogate/],
      ['a/+', /wildcard/],
      ['dh/notification/#', /wildcard/],
      ['dh/response/token@c+1', /wildcard/],
      ['dh', /without a kind/],
      ['dh/', /without a kind/],
      ['dh/@c1', /empty owner|without a kind/],
      ['dh/unknown/1', /unknown/],
      ['dh/__proto__/x', /unknown/],
      ['dh/constructor', /unknown/],
      ['dh/Request', /unknown/],
      ['dh/request/x', /request/],
      ['dh/request@c1', /request/],
      ['dh/response/token', /without @owner/],
      ['dh/response/token@', /empty owner/],
      ['dh/response@c1', /empty action/],
      ['dh/response/@c1', /empty action/],
      ['dh/response/user//x@c1', /empty action/],
      ['dh/notification/1/2/d', /networkId\/deviceTypeId/],
      ['dh/notification/1/2/d/temp/extra', /networkId\/deviceTypeId/],
      ['dh/command/x/2/d/light', /networkId/],
      ['dh/command/01/2/d/light', /networkId/],
      ['dh/command/-1/2/d/light', /networkId/],
      ['dh/command/1.0/2/d/light', /networkId/],
      ['dh/command/99999999999999999999/2/d/light', /networkId/],
      ['dh/command/1/two/d/light', /deviceTypeId/],
      ['dh/command/1//d/light', /deviceTypeId/],
      ['dh/command/1/2/d_1/light', /deviceId/],
      ['dh/command/1/2//light', /deviceId/],
      ['dh/command/1/2/dé/light', /deviceId/],
      ['dh/command/1/2/d/', /empty name/],
      ['dh/command/1/2/d/@c1', /empty name/],
      ['dh/command/1/2/d/light@', /empty owner/],
    ])('rejects %j', (topic, reason) => {
      const parsed = parseTopic(topic);
      expect(parsed.kind).toBe('invalid');
      expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
    });

    it('rejects a topic longer than the byte limit, counting UTF-8 bytes', () => {
      const limits = { maxBytes: 10, maxLevels: 128 };
      expect(parseTopic('a/bcdefghi', limits).kind).toBe('ordinary');
      expect(parseTopic('a/bcdefghij', limits)).toEqual({
        kind: 'invalid',
        reason: 'longer than 10 bytes',
      });
      expect(parseTopic('a/bcdefgh\u00e9', limits).kind).toBe('invalid');
      expect(parseTopic('a/bcdefg\u00e9', limits).kind).toBe('ordinary');
      expect(parseTopic('a/bcd\u20ac\u20ac', limits).kind).toBe('invalid');
      expect(parseTopic('a/bcde\u{1f600}', limits).kind).toBe('ordinary');
      expect(parseTopic('a/bcdef\u{1f600}', limits).kind).toBe('invalid');
    });

    it('rejects more levels than the limit without being slowed down by huge inputs', () => {
      expect(parseTopic('a/'.repeat(127) + 'a').kind).toBe('ordinary');
      expect(parseTopic('a/'.repeat(128) + 'a')).toEqual({
        kind: 'invalid',
        reason: 'more than 128 levels',
      });
      expect(parseTopic('/'.repeat(60_000)).kind).toBe('invalid');
    });

    it('rejects a topic over the 65535-byte MQTT maximum by default', () => {
      expect(parseTopic('a'.repeat(65_535)).kind).toBe('ordinary');
      expect(parseTopic('a'.repeat(65_536)).kind).toBe('invalid');
    });
  });
});
