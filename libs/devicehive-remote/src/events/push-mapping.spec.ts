import {
  eventKey,
  formatRemoteTimestamp,
  parseRemoteTimestamp,
  readRemoteObject,
  toDeviceEvent,
} from './push-mapping';

/** A command as the Java server 4.1.0 pushes it (fields in its own order). */
const javaCommand = {
  id: 123,
  command: 'light',
  timestamp: '2018-02-08T15:49:29.123',
  lastUpdated: '2018-02-08T15:49:30.456',
  userId: 1,
  deviceId: 'e50d6085',
  networkId: 7,
  deviceTypeId: 3,
  parameters: { on: true },
  lifetime: 20,
  status: 'done',
  result: { ok: 1 },
};

describe('remote push mapping', () => {
  it('turns a pushed notification into the embedded backend event, 7 fields in its order', () => {
    const object = readRemoteObject('notification/insert', {
      parameters: { t: 20.5 },
      timestamp: '2018-02-08T15:49:29.1',
      deviceTypeId: 3,
      networkId: 7,
      deviceId: 'd1',
      notification: 'temperature',
      id: 456,
    });
    expect(object).not.toBeNull();
    const event = toDeviceEvent(object!, 7, 3);
    expect(event).toEqual({
      kind: 'notification/insert',
      deviceId: 'd1',
      networkId: 7,
      deviceTypeId: 3,
      name: 'temperature',
      data: {
        id: 456,
        notification: 'temperature',
        deviceId: 'd1',
        networkId: 7,
        deviceTypeId: 3,
        timestamp: '2018-02-08T15:49:29.100',
        parameters: { t: 20.5 },
      },
    });
    expect(Object.keys(event.data)).toEqual([
      'id',
      'notification',
      'deviceId',
      'networkId',
      'deviceTypeId',
      'timestamp',
      'parameters',
    ]);
  });

  it('turns a pushed command into the 12-field command, missing fields null', () => {
    const { status: _status, result: _result, lifetime: _lifetime, ...partial } = javaCommand;
    const event = toDeviceEvent(readRemoteObject('command/insert', partial)!, 7, 3);
    expect(Object.keys(event.data)).toEqual([
      'id',
      'command',
      'timestamp',
      'lastUpdated',
      'userId',
      'deviceId',
      'networkId',
      'deviceTypeId',
      'parameters',
      'lifetime',
      'status',
      'result',
    ]);
    expect(event.data).toMatchObject({ lifetime: null, status: null, result: null });
    expect(event.originClientId).toBeUndefined();
  });

  it('reads the network and type when the push has them, null when it does not', () => {
    expect(readRemoteObject('command/update', javaCommand)).toMatchObject({
      networkId: 7,
      deviceTypeId: 3,
      at: Date.UTC(2018, 1, 8, 15, 49, 30, 456),
    });
    const { networkId: _n, deviceTypeId: _t, ...bare } = javaCommand;
    expect(readRemoteObject('command/insert', bare)).toMatchObject({
      networkId: null,
      deviceTypeId: null,
      at: Date.UTC(2018, 1, 8, 15, 49, 29, 123),
    });
  });

  it.each([
    ['not an object', 'light'],
    ['no id', { ...javaCommand, id: undefined }],
    ['a fractional id', { ...javaCommand, id: 1.5 }],
    ['no device', { ...javaCommand, deviceId: '' }],
    ['no name', { ...javaCommand, command: 7 }],
    ['a bad timestamp', { ...javaCommand, timestamp: 'yesterday', lastUpdated: undefined }],
  ])('refuses a push with %s', (_case, value) => {
    const kind = _case === 'a bad timestamp' ? 'command/update' : 'command/insert';
    expect(readRemoteObject(kind, value)).toBeNull();
  });

  it('keys an insert by id and each update of a command by id and lastUpdated', () => {
    const insert = readRemoteObject('command/insert', javaCommand)!;
    const update = readRemoteObject('command/update', javaCommand)!;
    const later = readRemoteObject('command/update', {
      ...javaCommand,
      lastUpdated: '2018-02-08T15:49:31.000',
    })!;
    const notification = readRemoteObject('notification/insert', {
      ...javaCommand,
      notification: 'n',
    })!;
    const keys = [insert, update, later, notification].map(eventKey);
    expect(new Set(keys).size).toBe(4);
    expect(eventKey(readRemoteObject('command/insert', { ...javaCommand })!)).toBe(keys[0]);
  });

  it('parses DeviceHive timestamps as UTC and writes them back in the API form', () => {
    expect(parseRemoteTimestamp('2026-12-05T10:38:38.930')).toBe(
      Date.UTC(2026, 11, 5, 10, 38, 38, 930),
    );
    expect(parseRemoteTimestamp('2026-12-05T10:38:38.930+01:00')).toBe(
      Date.UTC(2026, 11, 5, 9, 38, 38, 930),
    );
    expect(parseRemoteTimestamp('2026-12-05')).toBeNull();
    expect(parseRemoteTimestamp(null)).toBeNull();
    expect(formatRemoteTimestamp(Date.UTC(2026, 11, 5, 10, 38, 38, 930))).toBe(
      '2026-12-05T10:38:38.930',
    );
  });
});
