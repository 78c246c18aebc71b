import type { JsonObject } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { commandActions } from './command.actions';
import {
  bodyOf,
  createEventWorld,
  errorOf,
  eventRunner,
  type EventWorld,
} from '../testing/event-actions.fixtures';

describe.each(STORAGE_KINDS)('commandActions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = eventRunner(commandActions, db);
  let world: EventWorld;
  beforeAll(async () => {
    world = await createEventWorld(db());
  });

  const insert = async (deviceId: string, command: JsonObject, clientId = 'test-client') =>
    bodyOf(await run('command/insert', { deviceId, command }, { clientId }))['command'] as {
      id: number;
    };
  const get = async (deviceId: string, commandId: number) =>
    bodyOf(await run('command/get', { deviceId, commandId }))['command'] as JsonObject;

  describe('command/insert', () => {
    it('replies with id, timestamp, lastUpdated and userId, the server time as timestamp', async () => {
      const result = await run('command/insert', {
        deviceId: world.deviceA,
        command: { command: 'light', parameters: { on: true }, lifetime: 20 },
      });
      const reply = bodyOf(result)['command'] as JsonObject;
      expect(reply).toEqual({
        id: expect.any(Number),
        timestamp: '2018-02-08T15:49:29.123',
        lastUpdated: '2018-02-08T15:49:29.123',
        userId: 1,
      });
      expect(Object.keys(reply)).toEqual(['id', 'timestamp', 'lastUpdated', 'userId']);
    });

    it('stores the full command with the network and type of the device', async () => {
      const { id } = await insert(world.deviceA, {
        command: 'light',
        parameters: { on: true },
        lifetime: 20,
        status: 'new',
        result: { r: 1 },
      });
      expect(await get(world.deviceA, id)).toEqual({
        id,
        command: 'light',
        timestamp: '2018-02-08T15:49:29.123',
        lastUpdated: '2018-02-08T15:49:29.123',
        userId: 1,
        deviceId: world.deviceA,
        networkId: world.networkA,
        deviceTypeId: world.deviceType,
        parameters: { on: true },
        lifetime: 20,
        status: 'new',
        result: { r: 1 },
      });
      const { rows } = await db().query(
        'SELECT is_updated, origin_client_id FROM dh_command WHERE id = $1',
        [id],
      );
      expect(rows).toEqual([{ is_updated: false, origin_client_id: 'test-client' }]);
    });

    it('emits a command/insert event with the full view and the inserting client', async () => {
      const result = await run(
        'command/insert',
        { deviceId: world.deviceA, command: { command: 'beep' } },
        { clientId: 'inserter-1' },
      );
      const { id } = bodyOf(result)['command'] as { id: number };
      expect(result.status === 'success' && result.events).toEqual([
        {
          kind: 'command/insert',
          deviceId: world.deviceA,
          networkId: world.networkA,
          deviceTypeId: world.deviceType,
          name: 'beep',
          data: await get(world.deviceA, id),
          originClientId: 'inserter-1',
        },
      ]);
    });

    it.each([
      ['an ISO string with zone', '2020-01-02T03:04:05.678Z', '2020-01-02T03:04:05.678'],
      ['an ISO string without zone (UTC)', '2020-01-02T03:04:05.6', '2020-01-02T03:04:05.600'],
      ['an offset', '2020-01-02T05:04:05.678+02:00', '2020-01-02T03:04:05.678'],
      ['epoch milliseconds', 1577934245678, '2020-01-02T03:04:05.678'],
      ['a Date from the DTO', new Date('2020-01-02T03:04:05.678Z'), '2020-01-02T03:04:05.678'],
    ])('accepts the client timestamp as %s', async (_, timestamp, stored) => {
      const reply = await insert(world.deviceA, { command: 'ts', timestamp });
      expect(reply).toMatchObject({ timestamp: stored, lastUpdated: stored });
    });

    it.each<[string, JsonObject, number, string]>([
      ['deviceId is missing', { command: { command: 'x' } }, 400, 'Device id is wrong or empty'],
      ['the command object is missing', { deviceId: 'DEVICE' }, 400, 'Command is required'],
      [
        'parameters is not an object',
        { deviceId: 'DEVICE', command: { command: 'x', parameters: [1] } },
        400,
        "'parameters' must be JSON Object!",
      ],
      [
        'the timestamp is unparseable',
        { deviceId: 'DEVICE', command: { command: 'x', timestamp: 'yesterday' } },
        400,
        'Unparseable timestamp',
      ],
    ])('when %s, replies %d with the reference text', async (_, request, code, error) => {
      const withDevice = request['deviceId'] ? { ...request, deviceId: world.deviceA } : request;
      expect(errorOf(await run('command/insert', withDevice))).toEqual({ code, error });
    });

    it('replies 404 for an unknown device when the token is a wildcard', async () => {
      expect(
        errorOf(await run('command/insert', { deviceId: 'nope', command: { command: 'x' } })),
      ).toEqual({ code: 404, error: 'Device with such deviceId = nope not found' });
    });

    it('replies 403 with the reference text for a device without network', async () => {
      const deviceId = world.deviceWithoutNetwork;
      expect(errorOf(await run('command/insert', { deviceId, command: { command: 'x' } }))).toEqual(
        { code: 403, error: `Device with deviceId = ${deviceId} is not connected to any network` },
      );
    });

    describe('when the caller is a CLIENT', () => {
      it('inserts into a device of an assigned network, as that user', async () => {
        const result = await run(
          'command/insert',
          { deviceId: world.deviceA, command: { command: 'x' } },
          { principal: world.client },
        );
        expect(bodyOf(result)['command']).toMatchObject({ userId: world.client.userId });
      });

      it.each([
        ['a device of another network', () => world.deviceB],
        ['an unknown device', () => 'nope'],
      ])('replies 403 Access is denied for %s', async (_, deviceId) => {
        const request = { deviceId: deviceId(), command: { command: 'x' } };
        expect(errorOf(await run('command/insert', request, { principal: world.client }))).toEqual({
          code: 403,
          error: 'Access is denied',
        });
      });
    });
  });

  describe('command/get', () => {
    it('replies 400 when commandId is missing', async () => {
      expect(errorOf(await run('command/get', { deviceId: world.deviceA }))).toEqual({
        code: 400,
        error: 'Command id is wrong or empty',
      });
    });

    it('replies 400 when deviceId is missing', async () => {
      expect(errorOf(await run('command/get', { commandId: 1 }))).toEqual({
        code: 400,
        error: 'Device id is wrong or empty',
      });
    });

    it('replies 404 with the id when the command is not on that device', async () => {
      const { id } = await insert(world.deviceB, { command: 'elsewhere' });
      expect(errorOf(await run('command/get', { deviceId: world.deviceA, commandId: id }))).toEqual(
        { code: 404, error: `Command with id = ${id} not found` },
      );
    });

    it('replies 404 for an unknown device', async () => {
      expect(errorOf(await run('command/get', { deviceId: 'nope', commandId: 1 }))).toEqual({
        code: 404,
        error: 'Device with such deviceId = nope not found',
      });
    });

    it('replies 403 to a CLIENT for a device of another network', async () => {
      const { id } = await insert(world.deviceB, { command: 'hidden' });
      const request = { deviceId: world.deviceB, commandId: id };
      expect(errorOf(await run('command/get', request, { principal: world.client }))).toEqual({
        code: 403,
        error: 'Access is denied',
      });
    });
  });

  describe('command/update', () => {
    it('applies only status and result, marks the command updated and replies {}', async () => {
      const { id } = await insert(world.deviceA, {
        command: 'upd',
        parameters: { p: 1 },
        timestamp: '2018-01-01T00:00:00.000',
      });
      const result = await run(
        'command/update',
        {
          deviceId: world.deviceA,
          commandId: id,
          command: { command: 'renamed', parameters: { p: 2 }, status: 'done', result: { ok: 1 } },
        },
        { now: new Date('2019-05-05T05:05:05.555Z') },
      );
      expect(bodyOf(result)).toEqual({});
      expect(await get(world.deviceA, id)).toMatchObject({
        command: 'upd',
        parameters: { p: 1 },
        status: 'done',
        result: { ok: 1 },
        timestamp: '2018-01-01T00:00:00.000',
        lastUpdated: '2019-05-05T05:05:05.555',
      });
      const { rows } = await db().query('SELECT is_updated FROM dh_command WHERE id = $1', [id]);
      expect(rows).toEqual([{ is_updated: true }]);
    });

    it('keeps the fields the update does not name', async () => {
      const { id } = await insert(world.deviceA, {
        command: 'keep',
        status: 's1',
        result: { a: 1 },
      });
      await run('command/update', {
        deviceId: world.deviceA,
        commandId: id,
        command: { result: null },
      });
      expect(await get(world.deviceA, id)).toMatchObject({ status: 's1', result: null });
    });

    it('emits command/update carrying the client that inserted the command', async () => {
      const { id } = await insert(world.deviceA, { command: 'origin' }, 'original-client');
      const result = await run(
        'command/update',
        { deviceId: world.deviceA, commandId: id, command: { status: 'ok' } },
        { clientId: 'updating-client' },
      );
      expect(result.status === 'success' && result.events).toEqual([
        {
          kind: 'command/update',
          deviceId: world.deviceA,
          networkId: world.networkA,
          deviceTypeId: world.deviceType,
          name: 'origin',
          data: await get(world.deviceA, id),
          originClientId: 'original-client',
        },
      ]);
    });

    it('replies 404 with the id for a missing command (REF-BUG fix)', async () => {
      const request = { deviceId: world.deviceA, commandId: 987654321, command: { status: 'x' } };
      expect(errorOf(await run('command/update', request))).toEqual({
        code: 404,
        error: 'Command with id = 987654321 not found',
      });
    });

    it('replies 400 Command is required when the command object is missing', async () => {
      const { id } = await insert(world.deviceA, { command: 'noupdate' });
      expect(
        errorOf(await run('command/update', { deviceId: world.deviceA, commandId: id })),
      ).toEqual({ code: 400, error: 'Command is required' });
    });

    it('replies 400 when commandId is missing', async () => {
      const request = { deviceId: world.deviceA, command: { status: 'x' } };
      expect(errorOf(await run('command/update', request))).toEqual({
        code: 400,
        error: 'Command id is wrong or empty',
      });
    });
  });
});
