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
import { deviceActions } from './device.actions';

const admin = adminPrincipal();
const denied = { status: 'error', code: 403, error: 'Access is denied' };

describe.each(STORAGE_KINDS)('deviceActions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = (action: ActionName, request: JsonObject, principal: Principal | null = admin) =>
    runTestAction(deviceActions, action, testActionContext(db(), principal), request);
  const ids = async (request: JsonObject, principal: Principal = admin) => {
    const result = await run('device/list', request, principal);
    if (result.status !== 'success') throw new Error(result.error);
    return (result.body['devices'] as Array<{ id: string }>).map((d) => d.id);
  };
  const deviceRow = async (id: string) =>
    (
      await db().query(
        `SELECT name, data, network_id::int AS "networkId", device_type_id::int AS "deviceTypeId",
           is_blocked AS "isBlocked" FROM dh_device WHERE id = $1`,
        [id],
      )
    ).rows[0];

  let own: number;
  let other: number;
  let ownDevice: string;
  let otherDevice: string;
  let clientUserId: number;
  let client: Principal;
  beforeAll(async () => {
    own = await insertTestNamedEntity(db(), 'dh_network');
    other = await insertTestNamedEntity(db(), 'dh_network');
    ownDevice = await insertTestDevice(db(), { networkId: own, deviceTypeId: 2, data: { t: 1 } });
    otherDevice = await insertTestDevice(db(), { networkId: other, deviceTypeId: 2 });
    clientUserId = await insertTestUser(db(), { networkIds: [own] });
    client = clientPrincipal({ userId: clientUserId, userNetworkIds: [own] });
  });

  describe('device/get', () => {
    it('replies with all six device fields', async () => {
      await expect(run('device/get', { deviceId: ownDevice })).resolves.toEqual({
        status: 'success',
        body: {
          device: {
            id: ownDevice,
            name: ownDevice,
            data: { t: 1 },
            networkId: own,
            deviceTypeId: 2,
            isBlocked: false,
          },
        },
      });
    });

    it('lets a CLIENT user read a device of an assigned network', async () => {
      await expect(run('device/get', { deviceId: ownDevice }, client)).resolves.toMatchObject({
        status: 'success',
      });
    });

    it.each([
      ['a device of an unassigned network', () => otherDevice],
      ['an unknown device', () => 'no-such-device'],
    ])('replies 403 to a CLIENT user for %s', async (_label, deviceId) => {
      await expect(run('device/get', { deviceId: deviceId() }, client)).resolves.toEqual(denied);
    });

    it('replies 404 to a wildcard token for an unknown or invisible device', async () => {
      await expect(run('device/get', { deviceId: 'no-such-device' })).resolves.toEqual({
        status: 'error',
        code: 404,
        error: 'Device with such deviceId = no-such-device not found',
      });
      const wildcardClient = { ...client, networkIds: '*' as const };
      await expect(run('device/get', { deviceId: otherDevice }, wildcardClient)).resolves.toEqual({
        status: 'error',
        code: 404,
        error: `Device with such deviceId = ${otherDevice} not found`,
      });
    });

    it('replies 400 without a deviceId', async () => {
      await expect(run('device/get', {})).resolves.toEqual({
        status: 'error',
        code: 400,
        error: 'Device id is wrong or empty',
      });
    });
  });

  describe('device/list and device/count', () => {
    let network: number;
    let names: string[];
    let devices: string[];
    beforeAll(async () => {
      network = await insertTestNamedEntity(db(), 'dh_network', uniqueTestName('list-net'));
      const prefix = uniqueTestName('list');
      names = [`${prefix}-b'; --`, `${prefix}-a%`, `${prefix}-c_\\`];
      devices = [];
      for (const [i, name] of names.entries()) {
        devices.push(
          await insertTestDevice(db(), { networkId: network, deviceTypeId: i + 1, name }),
        );
      }
    });

    it('filters by networkId and networkName, ordered by id by default', async () => {
      await expect(ids({ networkId: network })).resolves.toEqual([...devices].sort());
      const networkName = (await db().query('SELECT name FROM dh_network WHERE id = $1', [network]))
        .rows[0]?.['name'];
      await expect(ids({ networkName })).resolves.toEqual([...devices].sort());
    });

    it('filters by exact name and by a LIKE pattern with metacharacters', async () => {
      await expect(ids({ name: names[0] })).resolves.toEqual([devices[0]]);
      await expect(ids({ namePattern: names[1]?.replace('%', '\\%') })).resolves.toEqual([
        devices[1],
      ]);
      await expect(ids({ namePattern: names[2] })).resolves.toEqual([devices[2]]);
    });

    it('sorts by name and network in any case', async () => {
      await expect(
        ids({ networkId: network, sortField: 'Name', sortOrder: 'DESC' }),
      ).resolves.toEqual([devices[2], devices[0], devices[1]]);
      await expect(
        ids({ networkId: network, sortField: 'network', take: 1, skip: 1 }),
      ).resolves.toHaveLength(1);
    });

    it.each([
      [{ sortField: 'deviceTypeId' }, 'Invalid request parameters'],
      [{ sortOrder: 'up' }, 'Unparseable sort order : up'],
    ])('replies 400 to %j', async (request, error) => {
      await expect(run('device/list', request)).resolves.toEqual({
        status: 'error',
        code: 400,
        error,
      });
    });

    it('counts with the same filters', async () => {
      await expect(run('device/count', { networkId: network })).resolves.toEqual({
        status: 'success',
        body: { count: 3 },
      });
    });

    it('shows a CLIENT user only the devices of assigned networks', async () => {
      await expect(ids({}, client)).resolves.toEqual([ownDevice]);
      await expect(ids({ networkId: other }, client)).resolves.toEqual([]);
      await expect(run('device/count', {}, client)).resolves.toMatchObject({ body: { count: 1 } });
    });

    it('applies the token device types', async () => {
      const typed = adminPrincipal({ deviceTypeIds: [2] });
      await expect(ids({ networkId: network }, typed)).resolves.toEqual([devices[1]]);
    });

    it('answers [] without network or device-type access', async () => {
      const noNetworks = clientPrincipal({ userId: clientUserId, userNetworkIds: [] });
      await expect(ids({}, noNetworks)).resolves.toEqual([]);
      await expect(ids({}, adminPrincipal({ deviceTypeIds: [] }))).resolves.toEqual([]);
    });
  });

  describe('device/delete', () => {
    it('deletes a visible device', async () => {
      const deviceId = await insertTestDevice(db(), { networkId: own, deviceTypeId: 1 });
      await expect(run('device/delete', { deviceId }, client)).resolves.toEqual({
        status: 'success',
        body: {},
      });
      await expect(deviceRow(deviceId)).resolves.toBeUndefined();
    });

    it.each([
      [{}, 400, 'Device id is wrong or empty'],
      [{ deviceId: 'no-such-device' }, 404, 'Device with such deviceId = no-such-device not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('device/delete', request)).resolves.toEqual({
        status: 'error',
        code,
        error,
      });
    });

    it('replies 403 to a CLIENT user for a device of another network', async () => {
      await expect(run('device/delete', { deviceId: otherDevice }, client)).resolves.toEqual(
        denied,
      );
      await expect(deviceRow(otherDevice)).resolves.toBeDefined();
    });
  });
});
