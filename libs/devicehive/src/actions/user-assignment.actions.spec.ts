import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { clientPrincipal, userActionHarness } from '../testing/user-actions.fixtures';

describe('userActions: network and device-type assignments', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);
    const { call, rejects, insertUser, insertNamed } = userActionHarness(db);

    async function assignedRows(table: 'dh_user_network' | 'dh_user_device_type', userId: number) {
      const { rows } = await db().query('SELECT * FROM ' + table + ' WHERE user_id = $1', [userId]);
      return rows.length;
    }

    describe('user/getNetwork', () => {
      it('replies the assigned network nested twice, as the reference does', async () => {
        expect(await call('user/getNetwork', { userId: 1, networkId: 1 })).toEqual({
          network: {
            network: { id: 1, name: 'Sample Network', description: 'A DeviceHive Sample Network' },
          },
        });
      });

      it('answers a CLIENT caller too (no admin restriction)', async () => {
        const { id } = await insertUser();
        const reply = await call(
          'user/getNetwork',
          { userId: 1, networkId: 1 },
          clientPrincipal(id, []),
        );
        expect(reply).toMatchObject({ network: { network: { id: 1 } } });
      });

      it('replies 404 naming both ids when the network is not assigned', async () => {
        const { id } = await insertUser();
        await rejects(
          call('user/getNetwork', { userId: id, networkId: 1 }),
          404,
          `Network with id 1 for user with id ${id} was not found`,
        );
      });

      it.each([
        ['userId', { networkId: 1 }, 'User id is wrong or empty'],
        ['networkId', { userId: 1 }, 'Network id is wrong or empty'],
      ])('replies 400 when %s is missing', async (_, request, text) => {
        await rejects(call('user/getNetwork', request), 400, text);
      });

      it('replies 404 for an unknown user', async () => {
        await rejects(
          call('user/getNetwork', { userId: 777777, networkId: 1 }),
          404,
          'User with id = 777777 not found',
        );
      });
    });

    describe('user/assignNetwork and user/unassignNetwork', () => {
      it('assigns idempotently and unassigns silently twice', async () => {
        const { id } = await insertUser();
        const networkId = await insertNamed('dh_network');
        expect(await call('user/assignNetwork', { userId: id, networkId })).toEqual({});
        expect(
          await call('user/assignNetwork', { userId: id, networkId: String(networkId) }),
        ).toEqual({});
        expect(await assignedRows('dh_user_network', id)).toBe(1);
        expect(await call('user/getNetwork', { userId: id, networkId })).toMatchObject({
          network: { network: { id: networkId } },
        });
        expect(await call('user/unassignNetwork', { userId: id, networkId })).toEqual({});
        expect(await call('user/unassignNetwork', { userId: id, networkId })).toEqual({});
        expect(await assignedRows('dh_user_network', id)).toBe(0);
      });

      it.each(['user/assignNetwork', 'user/unassignNetwork'] as const)(
        '%s replies 404 with the reference texts for an unknown user or network',
        async (action) => {
          await rejects(
            call(action, { userId: 888888, networkId: 1 }),
            404,
            'User with id = 888888 not found',
          );
          await rejects(
            call(action, { userId: 1, networkId: 999999 }),
            404,
            'Network with id = 999999 not found',
          );
          await rejects(call(action, { userId: 1 }), 400, 'Network id is wrong or empty');
          await rejects(call(action, { networkId: 1 }), 400, 'User id is wrong or empty');
        },
      );
    });

    describe('device types of a user with all device types available', () => {
      it('lists every device type', async () => {
        const { id } = await insertUser();
        const { deviceTypes } = (await call('user/getDeviceTypes', { userId: id })) as {
          deviceTypes: Array<{ id: number }>;
        };
        expect(deviceTypes.length).toBeGreaterThanOrEqual(8);
        expect(deviceTypes[0]).toEqual({
          id: 1,
          name: 'Default Device Type',
          description: 'Default DeviceHive device type',
        });
      });

      it('finds any existing device type, nested twice', async () => {
        const { id } = await insertUser();
        expect(await call('user/getDeviceType', { userId: id, deviceTypeId: 3 })).toMatchObject({
          deviceType: { deviceType: { id: 3, name: 'Lightning' } },
        });
      });

      it.each(['user/assignDeviceType', 'user/unassignDeviceType'] as const)(
        '%s replies 403 with the reference text',
        async (action) => {
          const { id } = await insertUser();
          await rejects(
            call(action, { userId: id, deviceTypeId: 2 }),
            403,
            'Cannot assign device type to user with all device types allowed',
          );
          expect(await assignedRows('dh_user_device_type', id)).toBe(0);
        },
      );
    });

    describe('device types of a restricted user', () => {
      it('assigns, lists, gets and unassigns device types', async () => {
        const { id } = await insertUser();
        expect(await call('user/disallowAllDeviceTypes', { userId: id })).toEqual({});
        expect(await call('user/getDeviceTypes', { userId: id })).toEqual({ deviceTypes: [] });
        const deviceTypeId = await insertNamed('dh_device_type');
        await call('user/assignDeviceType', { userId: id, deviceTypeId });
        await call('user/assignDeviceType', { userId: id, deviceTypeId });
        const { deviceTypes } = (await call('user/getDeviceTypes', { userId: id })) as {
          deviceTypes: Array<{ id: number }>;
        };
        expect(deviceTypes.map((t) => t.id)).toEqual([deviceTypeId]);
        expect(await call('user/getDeviceType', { userId: id, deviceTypeId })).toMatchObject({
          deviceType: { deviceType: { id: deviceTypeId, description: null } },
        });
        await call('user/unassignDeviceType', { userId: id, deviceTypeId });
        await call('user/unassignDeviceType', { userId: id, deviceTypeId });
        expect(await call('user/getDeviceTypes', { userId: id })).toEqual({ deviceTypes: [] });
      });

      it('replies 404 naming both ids for an unassigned device type', async () => {
        const { id } = await insertUser({ allDeviceTypesAvailable: false });
        await rejects(
          call('user/getDeviceType', { userId: id, deviceTypeId: 2 }),
          404,
          `Device type with id 2 for user with id ${id} was not found`,
        );
      });

      it('replies 404 for an unknown device type', async () => {
        const { id } = await insertUser({ allDeviceTypesAvailable: false });
        await rejects(
          call('user/assignDeviceType', { userId: id, deviceTypeId: 99999 }),
          404,
          'Device type with id = 99999 not found',
        );
        await rejects(
          call('user/assignDeviceType', { userId: id }),
          400,
          'Device type id is wrong or empty',
        );
      });

      it('sees every device type again once allowed all', async () => {
        const { id } = await insertUser({ allDeviceTypesAvailable: false });
        await call('user/allowAllDeviceTypes', { userId: id });
        expect((await call('user/get', { userId: id }))['user']).toMatchObject({
          allDeviceTypesAvailable: true,
        });
        expect(await call('user/getDeviceType', { userId: id, deviceTypeId: 2 })).toMatchObject({
          deviceType: { deviceType: { id: 2 } },
        });
      });
    });

    it.each([
      'user/getDeviceTypes',
      'user/allowAllDeviceTypes',
      'user/disallowAllDeviceTypes',
    ] as const)('%s replies 404 for an unknown user and 400 without userId', async (action) => {
      await rejects(call(action, { userId: 616161 }), 404, 'User with id = 616161 not found');
      await rejects(call(action, {}), 400, 'User id is wrong or empty');
    });
  });
});
