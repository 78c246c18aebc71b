import {
  formatEventTopic,
  formatResponseTopic,
  REQUEST_TOPIC as PROTOCOL_REQUEST,
} from '@dh-mqtt/protocol';
import { eventKindOf, eventTopicFilter, REQUEST_TOPIC } from './event-topics';

describe('the topics the client writes', () => {
  it.each(['notification', 'command', 'command_update'] as const)(
    'a fully named %s filter is the protocol topic of that event',
    (kind) => {
      const fields = { networkId: 1, deviceTypeId: 2, deviceId: 'dev-1', name: 'temp' };
      expect(eventTopicFilter(kind, fields)).toBe(formatEventTopic(kind, fields));
      expect(eventKindOf(formatEventTopic(kind, fields))).toBe(kind);
    },
  );

  it.each([
    [{}, 'dh/notification/+/+/+/+'],
    [{ deviceId: 'd' }, 'dh/notification/+/+/d/+'],
    [{ networkId: 0, name: 'n' }, 'dh/notification/0/+/+/n'],
  ])('leaves each level not given as + (%j)', (filter, topic) => {
    expect(eventTopicFilter('notification', filter)).toBe(topic);
  });

  it('requests go where the protocol says, and replies are not events', () => {
    expect(REQUEST_TOPIC).toBe(PROTOCOL_REQUEST);
    expect(eventKindOf(formatResponseTopic('command/insert', 'me'))).toBeUndefined();
  });
});
