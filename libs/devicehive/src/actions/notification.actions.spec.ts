import type { JsonObject } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import {
  bodyOf,
  createEventWorld,
  errorOf,
  eventRunner,
  type EventWorld,
} from '../testing/event-actions.fixtures';
import { notificationActions } from './notification.actions';

describe.each(STORAGE_KINDS)('notificationActions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = eventRunner(notificationActions, db);
  let world: EventWorld;
  beforeAll(async () => {
    world = await createEventWorld(db());
  });

  const insert = async (deviceId: string, notification: JsonObject) =>
    bodyOf(await run('notification/insert', { deviceId, notification }))['notification'] as {
      id: number;
      timestamp: string;
    };

  describe('notification/insert', () => {
    it('replies with id and timestamp only, the server time by default', async () => {
      const reply = await insert(world.deviceA, { notification: 'temp', parameters: { t: 20.5 } });
      expect(reply).toEqual({ id: expect.any(Number), timestamp: '2018-02-08T15:49:29.123' });
      expect(Object.keys(reply)).toEqual(['id', 'timestamp']);
    });

    it('stores the full notification and emits it as notification/insert', async () => {
      const result = await run('notification/insert', {
        deviceId: world.deviceA,
        notification: {
          notification: 'temp',
          timestamp: '2021-06-01T12:00:00.5Z',
          parameters: { t: 1 },
        },
      });
      const { id } = bodyOf(result)['notification'] as { id: number };
      const full = {
        id,
        notification: 'temp',
        deviceId: world.deviceA,
        networkId: world.networkA,
        deviceTypeId: world.deviceType,
        timestamp: '2021-06-01T12:00:00.500',
        parameters: { t: 1 },
      };
      const got = await run('notification/get', { deviceId: world.deviceA, notificationId: id });
      expect(bodyOf(got)).toEqual({ notification: full });
      expect(Object.keys(full)).toEqual(Object.keys(bodyOf(got)['notification'] as JsonObject));
      expect(result.status === 'success' && result.events).toEqual([
        {
          kind: 'notification/insert',
          deviceId: world.deviceA,
          networkId: world.networkA,
          deviceTypeId: world.deviceType,
          name: 'temp',
          data: full,
        },
      ]);
    });

    it.each<[string, JsonObject, number, string]>([
      ['the notification is missing', {}, 400, 'Notification is required'],
      [
        'its name is missing',
        { notification: { parameters: {} } },
        400,
        'Notification is required',
      ],
      [
        'deviceId is missing',
        { notification: { notification: 'n' } },
        400,
        'Device id is wrong or empty',
      ],
      [
        'parameters is not an object',
        { deviceId: 'DEVICE', notification: { notification: 'n', parameters: 'x' } },
        400,
        "'parameters' must be JSON Object!",
      ],
    ])('when %s, replies %d with the reference text', async (_, request, code, error) => {
      const withDevice = request['deviceId'] ? { ...request, deviceId: world.deviceA } : request;
      expect(errorOf(await run('notification/insert', withDevice))).toEqual({ code, error });
    });

    it('checks the notification before the deviceId', async () => {
      expect(errorOf(await run('notification/insert', { deviceId: '' }))).toEqual({
        code: 400,
        error: 'Notification is required',
      });
    });

    it('replies 404 for an unknown device', async () => {
      const request = { deviceId: 'nope', notification: { notification: 'n' } };
      expect(errorOf(await run('notification/insert', request))).toEqual({
        code: 404,
        error: 'Device with such deviceId = nope not found',
      });
    });

    it('replies 403 with the reference text for a device without network', async () => {
      const deviceId = world.deviceWithoutNetwork;
      const request = { deviceId, notification: { notification: 'n' } };
      expect(errorOf(await run('notification/insert', request))).toEqual({
        code: 403,
        error: `Device with deviceId = ${deviceId} is not connected to any network`,
      });
    });

    it('lets a CLIENT insert into an assigned network only', async () => {
      const ok = { deviceId: world.deviceA, notification: { notification: 'n' } };
      expect((await run('notification/insert', ok, { principal: world.client })).status).toBe(
        'success',
      );
      const denied = { deviceId: world.deviceB, notification: { notification: 'n' } };
      expect(
        errorOf(await run('notification/insert', denied, { principal: world.client })),
      ).toEqual({ code: 403, error: 'Access is denied' });
    });
  });

  describe('notification/get', () => {
    it.each<[string, JsonObject, number, string]>([
      ['deviceId is missing', { notificationId: 1 }, 400, 'Device id is wrong or empty'],
      ['notificationId is missing', { deviceId: 'D' }, 400, 'Notification id is wrong or empty'],
      [
        'notificationId is not an integer',
        { deviceId: 'D', notificationId: 'abc' },
        400,
        'Notification id should be an integer value.',
      ],
      [
        'notificationId is fractional',
        { deviceId: 'D', notificationId: 1.5 },
        400,
        'Notification id should be an integer value.',
      ],
      [
        'the device is unknown',
        { deviceId: 'nope', notificationId: 1 },
        404,
        'Device with such deviceId = nope not found',
      ],
      [
        'the notification is unknown',
        { deviceId: 'D', notificationId: 987654321 },
        404,
        'Requested notification not found',
      ],
    ])('when %s, replies %d with the reference text', async (_, request, code, error) => {
      const withDevice =
        request['deviceId'] === 'D' ? { ...request, deviceId: world.deviceA } : request;
      expect(errorOf(await run('notification/get', withDevice))).toEqual({ code, error });
    });

    it('does not find a notification through another device', async () => {
      const { id } = await insert(world.deviceB, { notification: 'b-only' });
      const request = { deviceId: world.deviceA, notificationId: id };
      expect(errorOf(await run('notification/get', request))).toEqual({
        code: 404,
        error: 'Requested notification not found',
      });
    });

    it('accepts a numeric string id', async () => {
      const { id } = await insert(world.deviceA, { notification: 'str' });
      const request = { deviceId: world.deviceA, notificationId: String(id) };
      expect(bodyOf(await run('notification/get', request))['notification']).toMatchObject({ id });
    });

    it('answers a CLIENT 404 for a device it cannot see (no target check for this action)', async () => {
      const { id } = await insert(world.deviceB, { notification: 'secret' });
      const request = { deviceId: world.deviceB, notificationId: id };
      expect(errorOf(await run('notification/get', request, { principal: world.client }))).toEqual({
        code: 404,
        error: `Device with such deviceId = ${world.deviceB} not found`,
      });
    });
  });
});
