import { CommandInsertRequest, CommandSubscribeRequest, CommandUpdateRequest } from './command.dto';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';

describe(CommandInsertRequest.name, () => {
  it('accepts the minimal command', () => {
    expect(
      acceptedOf('command/insert', { deviceId: 'd1', command: { command: 'light' } }).command,
    ).toEqual({ command: 'light' });
  });

  it('keeps a full command, with its timestamp parsed as UTC', () => {
    const parameters = { on: true };
    const request = acceptedOf('command/insert', {
      deviceId: 'd1',
      command: {
        command: 'light',
        timestamp: '2018-02-08T15:49:29.123',
        parameters,
        lifetime: 20,
        status: 'new',
        result: null,
      },
    });
    expect(request.command).toMatchObject({
      command: 'light',
      lifetime: 20,
      status: 'new',
      result: null,
    });
    expect(request.command.parameters).toBe(parameters);
    expect(request.command.timestamp?.toISOString()).toBe('2018-02-08T15:49:29.123Z');
  });

  it.each([
    [{ command: { command: 'x' } }, 'Device id is wrong or empty'],
    [{ deviceId: 'd1' }, 'Command is required'],
    [{ deviceId: 'd1', command: {} }, 'Command is required'],
    [{ deviceId: 'd1', command: { command: '' } }, 'Command is required'],
    [{ deviceId: 'd1', command: 'light' }, 'Malformed Json received.'],
    [
      { deviceId: 'd1', command: { command: 'x', parameters: 'on' } },
      "'parameters' must be JSON Object!",
    ],
    [
      { deviceId: 'd1', command: { command: 'x', result: [1] } },
      "'parameters' must be JSON Object!",
    ],
    [
      { deviceId: 'd1', command: { command: 'x', timestamp: 'yesterday' } },
      'Unparseable timestamp',
    ],
    [
      { deviceId: 'd1', command: { command: 'x', lifetime: 'long' } },
      'Validation failed: command.lifetime must be an integer',
    ],
    [
      { deviceId: 'd1', command: { command: 'c'.repeat(129) } },
      'Validation failed: command.command must be at most 128 characters long',
    ],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('command/insert', payload)).toMatchObject({ status: 400, text });
  });
});

describe(CommandUpdateRequest.name, () => {
  it('keeps status and result only', () => {
    const request = acceptedOf('command/update', {
      deviceId: 'd1',
      commandId: '42',
      command: { status: 'done', result: { ok: 1 }, parameters: { ignored: true } },
    });
    expect(request).toMatchObject({
      commandId: 42,
      command: { status: 'done', result: { ok: 1 } },
    });
    expect(request.command).not.toHaveProperty('parameters');
  });

  it.each([
    [{ command: {} }, 'Command id is wrong or empty'],
    [{ commandId: 'x', deviceId: 'd1', command: {} }, 'Command id is wrong or empty'],
    [{ commandId: 1, command: {} }, 'Device id is wrong or empty'],
    [{ commandId: 1, deviceId: 'd1' }, 'Command is required'],
  ])('with %j replies 400 %s (commandId checked first)', (payload, text) => {
    expect(rejectionOf('command/update', payload)).toMatchObject({ status: 400, text });
  });
});

describe('command/get and command/list', () => {
  it.each([
    ['command/get', { commandId: 1 }, 'Device id is wrong or empty'],
    ['command/get', { deviceId: 'd1' }, 'Command id is wrong or empty'],
    ['command/list', {}, 'Device id is wrong or empty'],
    ['command/list', { deviceId: 'd1', start: 'soon' }, 'Unparseable timestamp'],
    ['command/list', { deviceId: 'd1', sortField: 'lifetime' }, 'Invalid request parameters'],
  ] as const)('%s with %j replies 400 %s', (action, payload, text) => {
    expect(rejectionOf(action, payload)).toMatchObject({ status: 400, text });
  });

  it('orders DESC by default once a sortField is given', () => {
    expect(
      acceptedOf('command/list', { deviceId: 'd1', sortField: 'Timestamp', take: 1000 }),
    ).toMatchObject({
      sortField: 'timestamp',
      sortOrder: 'DESC',
      take: 1000,
    });
  });

  it('leaves the order unset without a sortField', () => {
    expect(acceptedOf('command/list', { deviceId: 'd1' }).sortOrder).toBeUndefined();
  });

  it('parses the time window', () => {
    const request = acceptedOf('command/list', {
      deviceId: 'd1',
      start: '2018-02-08',
      end: 1518103769123,
    });
    expect(request.start?.toISOString()).toBe('2018-02-08T00:00:00.000Z');
    expect(request.end?.toISOString()).toBe('2018-02-08T15:29:29.123Z');
  });
});

describe(CommandSubscribeRequest.name, () => {
  it('defaults an empty subscription', () => {
    expect(acceptedOf('command/subscribe', {})).toEqual({
      returnUpdatedCommands: false,
      limit: 20,
    });
  });

  it('accepts every filter', () => {
    const request = acceptedOf('command/subscribe', {
      deviceId: 'd1',
      networkIds: [1, '2'],
      deviceTypeIds: [3],
      names: ['light'],
      timestamp: '2018-02-08T15:49:29Z',
      returnUpdatedCommands: true,
      limit: 5,
    });
    expect(request).toMatchObject({
      networkIds: [1, 2],
      deviceTypeIds: [3],
      names: ['light'],
      returnUpdatedCommands: true,
      limit: 5,
    });
  });

  it.each([
    [{ deviceId: '' }, 'Device id is wrong or empty'],
    [{ networkIds: ['abc'] }, 'Malformed Json received.'],
    [{ deviceTypeIds: 1 }, 'Malformed Json received.'],
    [{ names: 'light' }, 'Validation failed: names must be an array of strings'],
    [{ limit: -1 }, 'Validation failed: limit must be a non-negative integer'],
    [
      { returnUpdatedCommands: 'true' },
      'Validation failed: returnUpdatedCommands must be a boolean',
    ],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('command/subscribe', payload)).toMatchObject({ status: 400, text });
  });

  it('unsubscribes one subscription or all', () => {
    expect(
      acceptedOf('command/unsubscribe', { subscriptionId: 1518103722145001 }).subscriptionId,
    ).toBe(1518103722145001);
    expect(acceptedOf('command/unsubscribe', {}).subscriptionId).toBeUndefined();
    expect(rejectionOf('command/unsubscribe', { subscriptionId: 'all' })).toMatchObject({
      status: 400,
      text: 'Validation failed: subscriptionId must be an integer',
    });
  });
});
