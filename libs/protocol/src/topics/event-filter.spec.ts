import { eventFilterScope, eventFilterToSubscription } from './event-filter';
import { parseFilter } from './topic-parse';

describe(eventFilterScope.name, () => {
  it.each([
    [
      'dh/notification/#',
      { kind: 'notification', networkId: null, deviceTypeId: null, deviceId: null },
    ],
    [
      'dh/command/1/+/+/light',
      { kind: 'command', networkId: 1, deviceTypeId: null, deviceId: null },
    ],
    [
      'dh/command_update/+/5/#',
      { kind: 'command_update', networkId: null, deviceTypeId: 5, deviceId: null },
    ],
    [
      'dh/notification/3/4/dev-1/+',
      { kind: 'notification', networkId: 3, deviceTypeId: 4, deviceId: 'dev-1' },
    ],
    [
      'dh/notification/3/4/d/t@c1',
      { kind: 'notification', networkId: 3, deviceTypeId: 4, deviceId: 'd' },
    ],
  ])('reads the ids %j names', (filter, scope) => {
    expect(eventFilterScope(filter)).toEqual(scope);
  });

  it.each([
    ['#'],
    ['dh/#'],
    ['dh/+/1/2/d/n'],
    ['dh/response/#'],
    ['dh/request'],
    ['home/#'],
    ['dh/notification/x/#'],
  ])('returns null for %j, which is not a valid event filter', (filter) => {
    expect(eventFilterScope(filter)).toBeNull();
  });

  it('accepts an already parsed filter', () => {
    expect(eventFilterScope(parseFilter('dh/command/7/+/+/+'))).toEqual({
      kind: 'command',
      networkId: 7,
      deviceTypeId: null,
      deviceId: null,
    });
  });
});

describe(eventFilterToSubscription.name, () => {
  it.each([
    [
      'dh/notification/#',
      {
        type: 'notification',
        deviceId: null,
        networkIds: null,
        deviceTypeIds: null,
        names: null,
        returnUpdatedCommands: false,
      },
    ],
    [
      'dh/command/1/+/+/light',
      {
        type: 'command',
        deviceId: null,
        networkIds: [1],
        deviceTypeIds: null,
        names: ['light'],
        returnUpdatedCommands: false,
      },
    ],
    [
      'dh/command_update/+/5/dev-1/#',
      {
        type: 'command',
        deviceId: 'dev-1',
        networkIds: null,
        deviceTypeIds: [5],
        names: null,
        returnUpdatedCommands: true,
      },
    ],
    [
      'dh/notification/1/2/d/__proto__',
      {
        type: 'notification',
        deviceId: 'd',
        networkIds: [1],
        deviceTypeIds: [2],
        names: ['__proto__'],
        returnUpdatedCommands: false,
      },
    ],
  ])('lists %j as %j', (filter, info) => {
    expect(eventFilterToSubscription(filter)).toEqual(info);
  });

  it.each([['#'], ['dh/response/+'], ['dh/notification/+/+/+']])(
    'returns null for %j',
    (filter) => {
      expect(eventFilterToSubscription(filter)).toBeNull();
    },
  );
});
