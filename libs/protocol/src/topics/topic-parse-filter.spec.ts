import { parseFilter } from './topic-parse';
import type { TopicFilter } from './topic.types';

describe(parseFilter.name, () => {
  describe('when the filter is a DeviceHive event filter', () => {
    it.each<[string, TopicFilter]>([
      [
        'dh/notification/#',
        {
          kind: 'notification',
          networkId: '#',
          deviceTypeId: '#',
          deviceId: '#',
          name: '#',
          owner: null,
        },
      ],
      [
        'dh/command/1/+/+/light',
        {
          kind: 'command',
          networkId: 1,
          deviceTypeId: '+',
          deviceId: '+',
          name: 'light',
          owner: null,
        },
      ],
      [
        'dh/command_update/+/5/#',
        {
          kind: 'command_update',
          networkId: '+',
          deviceTypeId: 5,
          deviceId: '#',
          name: '#',
          owner: null,
        },
      ],
      [
        'dh/notification/1/2/d/+',
        {
          kind: 'notification',
          networkId: 1,
          deviceTypeId: 2,
          deviceId: 'd',
          name: '+',
          owner: null,
        },
      ],
      [
        'dh/notification/1/2/d/#',
        {
          kind: 'notification',
          networkId: 1,
          deviceTypeId: 2,
          deviceId: 'd',
          name: '#',
          owner: null,
        },
      ],
      [
        'dh/notification/+/+/+/temp@a/b',
        {
          kind: 'notification',
          networkId: '+',
          deviceTypeId: '+',
          deviceId: '+',
          name: 'temp',
          owner: 'a/b',
        },
      ],
      [
        'dh/notification/1/2/d/temp',
        {
          kind: 'notification',
          networkId: 1,
          deviceTypeId: 2,
          deviceId: 'd',
          name: 'temp',
          owner: null,
        },
      ],
    ])('parses %s', (filter, expected) => {
      expect(parseFilter(filter)).toEqual(expected);
    });
  });

  describe('when the filter is a request or response filter', () => {
    it.each<[string, TopicFilter]>([
      ['dh/request', { kind: 'request' }],
      ['dh/request/#', { kind: 'request' }],
      ['dh/response/token@c1', { kind: 'response', action: 'token', owner: 'c1' }],
      [
        'dh/response/user/getCurrent@a@b',
        { kind: 'response', action: 'user/getCurrent', owner: 'a@b' },
      ],
      ['dh/response/#', { kind: 'response', action: null, owner: null }],
      ['dh/response/+', { kind: 'response', action: null, owner: null }],
      ['dh/response/user/+', { kind: 'response', action: null, owner: null }],
      ['dh/response/+/getCurrent@c1', { kind: 'response', action: null, owner: null }],
    ])('parses %s', (filter, expected) => {
      expect(parseFilter(filter)).toEqual(expected);
    });
  });

  describe('when the filter spans several kinds', () => {
    it.each<[string, TopicFilter]>([
      ['#', { kind: 'wildcard', scope: 'any' }],
      ['+/request', { kind: 'wildcard', scope: 'any' }],
      ['+', { kind: 'wildcard', scope: 'any' }],
      ['dh/#', { kind: 'wildcard', scope: 'dh' }],
      ['dh/+/1/2/d/n', { kind: 'wildcard', scope: 'dh' }],
      ['$SYS/#', { kind: 'sys', root: '$SYS' }],
      ['home/+/temp', { kind: 'ordinary' }],
      ['dhx/#', { kind: 'ordinary' }],
    ])('parses %s', (filter, expected) => {
      expect(parseFilter(filter)).toEqual(expected);
    });
  });

  describe('when the filter is unacceptable', () => {
    it.each([
      ['', /empty/],
      ['a/#/b', /'#'/],
      ['a#', /'#'/],
      ['a/b+', /'\+'/],
      ['dh/response/+@c1', /'\+'/],
      ['dh/response/token@c1/+', /owner suffix/],
      ['dh/response/token@c1/#', /owner suffix/],
      ['dh/response/token', /without @owner/],
      ['dh/response', /empty action/],
      ['dh/response/token@', /empty owner/],
      ['dh/request/+', /request/],
      ['dh/request@c1', /request/],
      ['dh/unknown/#', /unknown/],
      ['dh/toString/#', /unknown/],
      ['dh', /without a kind/],
      ['dh/notification', /networkId\/deviceTypeId/],
      ['dh/notification/+/+/+', /networkId\/deviceTypeId/],
      ['dh/notification/+/+/+/+/+', /networkId\/deviceTypeId/],
      ['dh/notification/1/2/d/n/#', /networkId\/deviceTypeId/],
      ['dh/notification/01/+/+/+', /networkId/],
      ['dh/notification/+/x/#', /deviceTypeId/],
      ['dh/notification/+/+/a_b/#', /deviceId/],
      ['dh/notification/+/+/+/', /empty name/],
      ['dh/notification/+/+/+/n\u0000', /NUL/],
    ])('rejects %j', (filter, reason) => {
      const parsed = parseFilter(filter);
      expect(parsed.kind).toBe('invalid');
      expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
    });
  });
});
