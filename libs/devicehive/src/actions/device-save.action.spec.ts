import type { JsonObject, Principal } from '@dh-mqtt/protocol';
import {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  insertTestUser,
  runTestAction,
  STORAGE_KINDS,
  testActionContext,
  uniqueTestName,
  useTestDatabase,
} from '../testing';
import { deviceActions } from './device.actions';

const admin = adminPrincipal();
const STAMP = '2018-02-08T15:49:29.123';

describe.each(STORAGE_KINDS)('device/save on %s', (kind) => {
  const db = useTestDatabase(kind);
  const save = (request: JsonObject, principal: Principal | null = admin) =>
    runTestAction(deviceActions, 'device/save', testActionContext(db(), principal), request);
  const deviceRow = async (id: string) =>
    (
      await db().query(
        `SELECT name, data, network_id::int AS "networkId", device_type_id::int AS "deviceTypeId",
           is_blocked AS "isBlocked" FROM dh_device WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const notifications = async (deviceId: string) =>
    (
      await db().query(
        `SELECT id::int AS id, notification, parameters FROM dh_notification
         WHERE device_id = $1 ORDER BY id`,
        [deviceId],
      )
    ).rows;
  const fail = (code: number, error: string) => ({ status: 'error', code, error });

  let own: number;
  let second: number;
  let other: number;
  let client: Principal;
  beforeAll(async () => {
    own = await insertTestNamedEntity(db(), 'dh_network');
    second = await insertTestNamedEntity(db(), 'dh_network');
    other = await insertTestNamedEntity(db(), 'dh_network');
    const userId = await insertTestUser(db(), { networkIds: [second, own] });
    client = clientPrincipal({ userId, userNetworkIds: [own, second] });
  });

  describe('when the device is new', () => {
    it('creates it, stores $device-add and returns that notification as an event', async () => {
      const deviceId = uniqueTestName('new');
      const name = `O'Neil "lamp" %_\\ ;--`;
      const result = await save({
        deviceId,
        device: { name, data: { on: true }, networkId: own, deviceTypeId: 3, isBlocked: true },
      });
      const device = {
        id: deviceId,
        name,
        data: { on: true },
        networkId: own,
        deviceTypeId: 3,
        isBlocked: true,
      };
      const [stored] = await notifications(deviceId);
      expect(stored).toEqual({
        id: expect.any(Number),
        notification: '$device-add',
        parameters: device,
      });
      expect(result).toEqual({
        status: 'success',
        body: {},
        events: [
          {
            kind: 'notification/insert',
            deviceId,
            networkId: own,
            deviceTypeId: 3,
            name: '$device-add',
            data: {
              id: stored?.['id'],
              notification: '$device-add',
              deviceId,
              networkId: own,
              deviceTypeId: 3,
              timestamp: STAMP,
              parameters: device,
            },
          },
        ],
      });
      await expect(deviceRow(deviceId)).resolves.toEqual({
        name,
        data: { on: true },
        networkId: own,
        deviceTypeId: 3,
        isBlocked: true,
      });
    });

    it('defaults to the lowest assigned network, the lowest allowed type and not blocked', async () => {
      const deviceId = uniqueTestName('defaults');
      const narrowed = { ...client, deviceTypeIds: [5, 3] };
      await expect(save({ deviceId, device: { name: 'n' } }, narrowed)).resolves.toMatchObject({
        status: 'success',
      });
      await expect(deviceRow(deviceId)).resolves.toEqual({
        name: 'n',
        data: null,
        networkId: Math.min(own, second),
        deviceTypeId: 3,
        isBlocked: false,
      });
    });

    it('defaults to device type 1 for a wildcard token', async () => {
      const deviceId = uniqueTestName('wild');
      await save({ deviceId, device: { name: 'n', networkId: own } });
      await expect(deviceRow(deviceId)).resolves.toMatchObject({ deviceTypeId: 1 });
    });

    it.each([
      [{ device: { name: 'n' } }, 400, 'Device id is wrong or empty'],
      [
        { deviceId: 'has space', device: { name: 'n' } },
        400,
        'Device Id can only contain letters, digits and dashes.',
      ],
      [
        { deviceId: "x';DROP", device: { name: 'n' } },
        400,
        'Device Id can only contain letters, digits and dashes.',
      ],
      [{ deviceId: 'fresh-1' }, 400, 'Device is empty'],
      [{ deviceId: 'fresh-1', device: { networkId: 1 } }, 400, 'name field cannot be null.'],
      [
        { deviceId: 'fresh-1', device: { name: 'n', data: [1] } },
        400,
        "'parameters' must be JSON Object!",
      ],
      [
        { deviceId: 'fresh-1', device: { name: 'n', networkId: 987654 } },
        400,
        'Invalid request parameters',
      ],
      [
        { deviceId: 'fresh-1', device: { name: 'n', deviceTypeId: 987654 } },
        400,
        'Invalid request parameters',
      ],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(save(request)).resolves.toEqual(fail(code, error));
      await expect(deviceRow('fresh-1')).resolves.toBeUndefined();
    });

    it('replies 403 when a CLIENT user names an unassigned network', async () => {
      const deviceId = uniqueTestName('foreign');
      await expect(
        save({ deviceId, device: { name: 'n', networkId: other } }, client),
      ).resolves.toEqual(fail(403, 'No access to network!'));
    });

    it('replies 403 when the user has no network to default to, even an admin', async () => {
      const adminId = await insertTestUser(db(), { role: 0 });
      const deviceId = uniqueTestName('nonet');
      await expect(
        save({ deviceId, device: { name: 'n' } }, adminPrincipal({ userId: adminId })),
      ).resolves.toEqual(fail(403, 'No access to network!'));
    });

    it('replies 403 when the token allows no device type to default to', async () => {
      const deviceId = uniqueTestName('notype');
      await expect(
        save(
          { deviceId, device: { name: 'n', networkId: own } },
          adminPrincipal({ deviceTypeIds: [] }),
        ),
      ).resolves.toEqual(fail(403, 'No access to device type!'));
    });

    it('replies 401 to an anonymous session', async () => {
      await expect(save({ deviceId: 'anon', device: { name: 'n' } }, null)).resolves.toEqual(
        fail(401, 'Unauthorized'),
      );
    });
  });

  describe('when the device exists', () => {
    it('replaces present fields, always replaces data, and stores $device-update', async () => {
      const deviceId = await insertTestDevice(db(), {
        networkId: own,
        deviceTypeId: 2,
        data: { keep: 'no' },
      });
      const result = await save({ deviceId, device: { deviceTypeId: 4 } }, client);
      const expected = {
        name: deviceId,
        data: null,
        networkId: own,
        deviceTypeId: 4,
        isBlocked: false,
      };
      await expect(deviceRow(deviceId)).resolves.toEqual(expected);
      expect(result).toMatchObject({
        status: 'success',
        body: {},
        events: [
          {
            name: '$device-update',
            data: { notification: '$device-update', parameters: { id: deviceId, ...expected } },
          },
        ],
      });
      await expect(notifications(deviceId)).resolves.toMatchObject([
        { notification: '$device-update' },
      ]);
    });

    it('moves it to another network when networkId is given', async () => {
      const deviceId = await insertTestDevice(db(), { networkId: own, deviceTypeId: 2 });
      await save(
        { deviceId, device: { networkId: second, name: 'moved', isBlocked: true } },
        client,
      );
      await expect(deviceRow(deviceId)).resolves.toMatchObject({
        networkId: second,
        name: 'moved',
        isBlocked: true,
      });
    });

    it('replies 403 to a CLIENT user for a device of another network', async () => {
      await expect(
        save(
          {
            deviceId: await insertTestDevice(db(), { networkId: other, deviceTypeId: 1 }),
            device: { name: 'x' },
          },
          client,
        ),
      ).resolves.toEqual(fail(403, 'No access to device'));
    });
  });
});
