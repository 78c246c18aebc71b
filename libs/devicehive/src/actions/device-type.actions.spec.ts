import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';
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
import { deviceTypeActions } from './device-type.actions';

const admin = adminPrincipal();
const fail = (code: number, error: string) => ({ status: 'error', code, error });

describe.each(STORAGE_KINDS)('deviceTypeActions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = (action: ActionName, request: JsonObject, principal: Principal | null = admin) =>
    runTestAction(deviceTypeActions, action, testActionContext(db(), principal), request);
  const typeRow = async (id: number) =>
    (await db().query('SELECT name, description FROM dh_device_type WHERE id = $1', [id])).rows[0];

  describe('devicetype/list', () => {
    it('replies with the listed view, filtered by exact name', async () => {
      await expect(run('devicetype/list', { name: 'Cameras' })).resolves.toEqual({
        status: 'success',
        body: {
          deviceTypes: [
            {
              id: 2,
              name: 'Cameras',
              description: 'Cameras, video recorders and other video devices',
            },
          ],
        },
      });
    });

    it('sorts by name descending and pages', async () => {
      const result = await run('devicetype/list', {
        namePattern: 'C%',
        sortField: 'name',
        sortOrder: 'Desc',
        take: 2,
      });
      expect(result).toMatchObject({
        body: { deviceTypes: [{ name: 'Cooking' }, { name: 'Cars' }] },
      });
    });

    it.each([
      [{ sortField: 'description' }, 'Invalid request parameters'],
      [{ sortOrder: 'random' }, 'Unparseable sort order : random'],
    ])('replies 400 to %j', async (request, error) => {
      await expect(run('devicetype/list', request)).resolves.toEqual(fail(400, error));
    });

    it('matches LIKE patterns literally apart from the wildcards', async () => {
      const name = `${uniqueTestName('dt')} 100% "a_b" O'Hara \\`;
      const id = await insertTestNamedEntity(db(), 'dh_device_type', name);
      const result = await run('devicetype/list', { namePattern: name.replace(/[%_\\]/g, '\\$&') });
      expect(result).toEqual({
        status: 'success',
        body: { deviceTypes: [{ id, name, description: null }] },
      });
    });
  });

  describe('for a CLIENT user restricted to assigned device types', () => {
    let assigned: number;
    let client: Principal;
    beforeAll(async () => {
      assigned = await insertTestNamedEntity(db(), 'dh_device_type');
      const userId = await insertTestUser(db(), {
        deviceTypeIds: [assigned],
        allDeviceTypesAvailable: false,
      });
      client = clientPrincipal({
        userId,
        userNetworkIds: [],
        deviceTypeIds: [assigned],
        userDeviceTypeIds: [assigned],
      });
    });

    it('lists and counts only those types', async () => {
      await expect(run('devicetype/list', {}, client)).resolves.toMatchObject({
        body: { deviceTypes: [{ id: assigned }] },
      });
      await expect(run('devicetype/count', {}, client)).resolves.toMatchObject({
        body: { count: 1 },
      });
    });

    it('replies 403 to devicetype/get of another type', async () => {
      await expect(run('devicetype/get', { deviceTypeId: 1 }, client)).resolves.toEqual(
        fail(403, 'Access is denied'),
      );
    });

    it('replies 404 when a wildcard token reaches an unassigned type', async () => {
      await expect(
        run('devicetype/get', { deviceTypeId: 1 }, { ...client, deviceTypeIds: '*' }),
      ).resolves.toEqual(fail(404, 'Device type with id = 1 not found'));
    });

    it('lists nothing without device-type access', async () => {
      const none = { ...client, deviceTypeIds: [] };
      await expect(run('devicetype/list', {}, none)).resolves.toEqual({
        status: 'success',
        body: { deviceTypes: [] },
      });
    });
  });

  describe('devicetype/count', () => {
    it('counts the types matching the filters', async () => {
      await expect(run('devicetype/count', { namePattern: 'C%' })).resolves.toEqual({
        status: 'success',
        body: { count: 3 },
      });
    });
  });

  describe('devicetype/get', () => {
    it('embeds the devices visible through the token networks', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_device_type', uniqueTestName('get'), 'd');
      const net = await insertTestNamedEntity(db(), 'dh_network');
      const shown = await insertTestDevice(db(), { networkId: net, deviceTypeId: id });
      await insertTestDevice(db(), { networkId: 1, deviceTypeId: id });
      const result = await run(
        'devicetype/get',
        { deviceTypeId: id },
        adminPrincipal({ networkIds: [net] }),
      );
      expect(result).toEqual({
        status: 'success',
        body: {
          deviceType: {
            id,
            name: (await typeRow(id))?.['name'],
            description: 'd',
            devices: [{ id: shown, name: shown, data: null, isBlocked: false }],
          },
        },
      });
    });

    it.each([
      [{}, 400, 'Device type id is wrong or empty'],
      [{ deviceTypeId: 987654 }, 404, 'Device type with id = 987654 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('devicetype/get', request)).resolves.toEqual(fail(code, error));
    });
  });

  describe('devicetype/insert', () => {
    it('creates the type and replies with its id only', async () => {
      const name = uniqueTestName('ins');
      const result = await run('devicetype/insert', { deviceType: { name, description: 'x' } });
      if (result.status !== 'success') throw new Error(result.error);
      const { id } = result.body['deviceType'] as { id: number };
      expect(result.body).toEqual({ deviceType: { id } });
      await expect(typeRow(id)).resolves.toEqual({ name, description: 'x' });
    });

    it.each([
      [{}, 400, 'Device type is required'],
      [
        { deviceType: { id: 1, name: 'x' } },
        400,
        'Invalid request parameters. Id cannot be specified.',
      ],
      [
        { deviceType: { name: 'Cars' } },
        403,
        'Device type cannot be created. Device type with such name already exists',
      ],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('devicetype/insert', request)).resolves.toEqual(fail(code, error));
    });
  });

  describe('devicetype/update', () => {
    it('changes only the fields present', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_device_type', uniqueTestName('upd'), 'keep');
      const name = uniqueTestName('renamed');
      await expect(
        run('devicetype/update', { deviceTypeId: id, deviceType: { name } }),
      ).resolves.toEqual({
        status: 'success',
        body: {},
      });
      await expect(typeRow(id)).resolves.toEqual({ name, description: 'keep' });
    });

    it.each([
      [{ deviceType: {} }, 400, 'Device type id is wrong or empty'],
      [{ deviceTypeId: 1 }, 400, 'Device type is required'],
      [{ deviceTypeId: 987654, deviceType: {} }, 404, 'Device type with id = 987654 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('devicetype/update', request)).resolves.toEqual(fail(code, error));
    });

    it('replies 409 when the new name is taken', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_device_type');
      await expect(
        run('devicetype/update', { deviceTypeId: id, deviceType: { name: 'Cars' } }),
      ).resolves.toMatchObject({ status: 'error', code: 409 });
    });
  });

  describe('devicetype/delete', () => {
    it('refuses a type with devices unless forced, then cascades', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_device_type');
      const deviceId = await insertTestDevice(db(), { networkId: 1, deviceTypeId: id });
      const userId = await insertTestUser(db(), {
        deviceTypeIds: [id],
        allDeviceTypesAvailable: false,
      });
      await expect(run('devicetype/delete', { deviceTypeId: id })).resolves.toEqual(
        fail(
          400,
          `There are the following devices within this device type: ${deviceId}. Please review and delete them first.`,
        ),
      );
      await expect(run('devicetype/delete', { deviceTypeId: id, force: true })).resolves.toEqual({
        status: 'success',
        body: {},
      });
      const devices = await db().query('SELECT 1 FROM dh_device WHERE id = $1', [deviceId]);
      const links = await db().query('SELECT 1 FROM dh_user_device_type WHERE user_id = $1', [
        userId,
      ]);
      expect([await typeRow(id), devices.rows, links.rows]).toEqual([undefined, [], []]);
    });

    it.each([
      [{}, 400, 'Device type id is wrong or empty'],
      [{ deviceTypeId: 987654 }, 404, 'Device type with id = 987654 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('devicetype/delete', request)).resolves.toEqual(fail(code, error));
    });
  });
});
