import type { ActionName, JsonObject, Principal } from '@dh-mqtt/protocol';
import {
  adminPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  insertTestUser,
  runTestAction,
  STORAGE_KINDS,
  testActionContext,
  uniqueTestName,
  useTestDatabase,
} from '../testing';
import { networkActions } from './network.actions';

const admin = adminPrincipal();

describe.each(STORAGE_KINDS)('networkActions on %s', (kind) => {
  const db = useTestDatabase(kind);
  const run = (action: ActionName, request: JsonObject, principal: Principal | null = admin) =>
    runTestAction(networkActions, action, testActionContext(db(), principal), request);
  const networkRow = async (id: number) =>
    (await db().query('SELECT name, description FROM dh_network WHERE id = $1', [id])).rows[0];

  describe('network/get', () => {
    it('replies with the network and its devices in the short device view', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network', uniqueTestName('get'), 'desc');
      const deviceId = await insertTestDevice(db(), {
        networkId: id,
        deviceTypeId: 2,
        data: { a: 1 },
      });
      await expect(run('network/get', { networkId: String(id) })).resolves.toEqual({
        status: 'success',
        body: {
          network: {
            id,
            name: (await networkRow(id))?.['name'],
            description: 'desc',
            devices: [{ id: deviceId, name: deviceId, data: { a: 1 }, isBlocked: false }],
          },
        },
      });
    });

    it('shows only devices of the token device types', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network');
      await insertTestDevice(db(), { networkId: id, deviceTypeId: 2 });
      const typed = await insertTestDevice(db(), { networkId: id, deviceTypeId: 3 });
      const result = await run(
        'network/get',
        { networkId: id },
        adminPrincipal({ deviceTypeIds: [3] }),
      );
      expect(result).toMatchObject({ body: { network: { devices: [{ id: typed }] } } });
    });

    it.each([
      [{}, 400, 'Network id is wrong or empty'],
      [{ networkId: 987654 }, 404, 'Network with id = 987654 not found'],
      [{ networkId: -1 }, 404, 'Network with id = -1 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('network/get', request)).resolves.toEqual({ status: 'error', code, error });
    });
  });

  describe('network/insert', () => {
    it('creates the network and replies with its id only', async () => {
      const name = `${uniqueTestName('ins')} O'Reilly \\ "quoted" %_ ;--`;
      const result = await run('network/insert', { network: { name, description: 'd' } });
      expect(result).toEqual({ status: 'success', body: { network: { id: expect.any(Number) } } });
      if (result.status !== 'success') throw new Error(result.error);
      const { id } = result.body['network'] as { id: number };
      await expect(networkRow(id)).resolves.toEqual({ name, description: 'd' });
    });

    it('does not assign the creator to the new network', async () => {
      const userId = await insertTestUser(db(), { role: 0 });
      const result = await run(
        'network/insert',
        { network: { name: uniqueTestName('unassigned') } },
        adminPrincipal({ userId }),
      );
      expect(result.status).toBe('success');
      const { rows } = await db().query('SELECT 1 FROM dh_user_network WHERE user_id = $1', [
        userId,
      ]);
      expect(rows).toEqual([]);
    });

    it.each([
      [{}, 400, 'Network is required'],
      [
        { network: { id: 5, name: 'x' } },
        400,
        'Invalid request parameters. Id cannot be specified.',
      ],
      [
        { network: { name: 'Sample Network' } },
        403,
        'Network cannot be created. Network with such name already exists',
      ],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('network/insert', request)).resolves.toEqual({
        status: 'error',
        code,
        error,
      });
    });
  });

  describe('network/update', () => {
    it('changes only the fields present', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network', uniqueTestName('upd'), 'before');
      const name = uniqueTestName('renamed');
      await expect(run('network/update', { networkId: id, network: { name } })).resolves.toEqual({
        status: 'success',
        body: {},
      });
      await expect(networkRow(id)).resolves.toEqual({ name, description: 'before' });
      await run('network/update', { networkId: id, network: { description: null } });
      await expect(networkRow(id)).resolves.toEqual({ name, description: null });
    });

    it.each([
      [{ network: { name: 'x' } }, 400, 'Network id is wrong or empty'],
      [{ networkId: 1 }, 400, 'Network is required'],
      [{ networkId: 987654, network: { name: 'x' } }, 404, 'Network with id = 987654 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('network/update', request)).resolves.toEqual({
        status: 'error',
        code,
        error,
      });
    });

    it('replies 409 when the new name is taken', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network');
      await expect(
        run('network/update', { networkId: id, network: { name: 'Sample Network' } }),
      ).resolves.toMatchObject({ status: 'error', code: 409 });
    });

    it('replies 403 to a token without that network', async () => {
      await expect(
        run(
          'network/update',
          { networkId: 1, network: { name: 'x' } },
          adminPrincipal({ networkIds: [] }),
        ),
      ).resolves.toEqual({ status: 'error', code: 403, error: 'Access is denied' });
    });
  });

  describe('network/delete', () => {
    it('refuses a network with devices unless forced, listing the device ids', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network');
      const first = await insertTestDevice(db(), {
        networkId: id,
        deviceTypeId: 1,
        id: uniqueTestName('a'),
      });
      const second = await insertTestDevice(db(), {
        networkId: id,
        deviceTypeId: 1,
        id: uniqueTestName('b'),
      });
      await expect(run('network/delete', { networkId: id })).resolves.toEqual({
        status: 'error',
        code: 400,
        error: `There are the following devices within this network: ${first}, ${second}. Please review and delete them first.`,
      });
      await expect(networkRow(id)).resolves.toBeDefined();
    });

    it('with force deletes the network, its devices and its user assignments', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network');
      const deviceId = await insertTestDevice(db(), { networkId: id, deviceTypeId: 1 });
      const userId = await insertTestUser(db(), { networkIds: [id] });
      await expect(run('network/delete', { networkId: id, force: true })).resolves.toEqual({
        status: 'success',
        body: {},
      });
      await expect(networkRow(id)).resolves.toBeUndefined();
      const devices = await db().query('SELECT 1 FROM dh_device WHERE id = $1', [deviceId]);
      const links = await db().query('SELECT 1 FROM dh_user_network WHERE user_id = $1', [userId]);
      expect([devices.rows, links.rows]).toEqual([[], []]);
    });

    it('deletes an empty network without force', async () => {
      const id = await insertTestNamedEntity(db(), 'dh_network');
      await expect(run('network/delete', { networkId: id })).resolves.toMatchObject({
        status: 'success',
      });
      await expect(networkRow(id)).resolves.toBeUndefined();
    });

    it.each([
      [{}, 400, 'Network id is wrong or empty'],
      [{ networkId: 987654 }, 404, 'Network with id = 987654 not found'],
    ])('replies to %j with %i', async (request, code, error) => {
      await expect(run('network/delete', request)).resolves.toEqual({
        status: 'error',
        code,
        error,
      });
    });
  });
});
