import { DhError, type Principal } from '@dh-mqtt/protocol';
import {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  STORAGE_KINDS,
  testActionContext,
  useTestDatabase,
} from '../testing';
import {
  checkTarget,
  findDevice,
  visibleDeviceScopes,
  visibleDeviceTypeIds,
  visibleNetworkIds,
} from './access';

async function rejection(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DhError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

const denied = { status: 403, message: 'Access is denied' };

describe.each(STORAGE_KINDS)('access checks on %s', (kind) => {
  const db = useTestDatabase(kind);
  let ownNetwork: number;
  let otherNetwork: number;
  let ownDevice: string;
  let otherDevice: string;
  let client: Principal;

  beforeAll(async () => {
    ownNetwork = await insertTestNamedEntity(db(), 'dh_network');
    otherNetwork = await insertTestNamedEntity(db(), 'dh_network');
    ownDevice = await insertTestDevice(db(), { networkId: ownNetwork, deviceTypeId: 1 });
    otherDevice = await insertTestDevice(db(), { networkId: otherNetwork, deviceTypeId: 2 });
    client = clientPrincipal({ userId: 99, userNetworkIds: [ownNetwork] });
  });

  describe(findDevice.name, () => {
    it('returns the device with numeric network and device type ids', async () => {
      await expect(findDevice(db(), ownDevice)).resolves.toEqual({
        id: ownDevice,
        name: ownDevice,
        data: null,
        networkId: ownNetwork,
        deviceTypeId: 1,
        isBlocked: false,
      });
    });

    it('returns null for an unknown id', async () => {
      await expect(findDevice(db(), 'no-such-device')).resolves.toBeNull();
    });
  });

  describe(checkTarget.name, () => {
    describe('when the action has no target or the target field is absent', () => {
      it('passes', async () => {
        const ctx = testActionContext(db(), client);
        await expect(
          checkTarget(ctx, undefined, { networkId: otherNetwork }),
        ).resolves.toBeUndefined();
        await expect(checkTarget(ctx, 'deviceId', {})).resolves.toBeUndefined();
        await expect(checkTarget(ctx, 'networkId', { networkId: null })).resolves.toBeUndefined();
      });
    });

    describe('when the session is anonymous', () => {
      it('rejects with 401 Unauthorized', async () => {
        await expect(
          rejection(checkTarget(testActionContext(db(), null), 'networkId', { networkId: 1 })),
        ).resolves.toEqual({ status: 401, message: 'Unauthorized' });
      });
    });

    describe('when the target is a network id', () => {
      it('passes a wildcard token whatever the id, even one no row can have', async () => {
        const ctx = testActionContext(db(), adminPrincipal());
        await expect(
          checkTarget(ctx, 'networkId', { networkId: '9223372036854775808' }),
        ).resolves.toBeUndefined();
      });

      it.each([
        ['an id of the token', () => ownNetwork, true],
        ['the same id as a numeric string', () => String(ownNetwork), true],
        ['an id outside the token', () => otherNetwork, false],
        ['an id beyond 2^63', () => 2 ** 63, false],
      ])('with %s passes: %s', async (_label, id, passes) => {
        const result = checkTarget(testActionContext(db(), client), 'networkId', {
          networkId: id(),
        });
        if (passes) await expect(result).resolves.toBeUndefined();
        else await expect(rejection(result)).resolves.toEqual(denied);
      });
    });

    describe('when the target is a device type id', () => {
      it('checks the token device types, not the networks', async () => {
        const restricted = clientPrincipal({
          userId: 99,
          userNetworkIds: [ownNetwork],
          deviceTypeIds: [2],
        });
        const ctx = testActionContext(db(), restricted);
        await expect(
          checkTarget(ctx, 'deviceTypeId', { deviceTypeId: 2 }),
        ).resolves.toBeUndefined();
        await expect(
          rejection(checkTarget(ctx, 'deviceTypeId', { deviceTypeId: 1 })),
        ).resolves.toEqual(denied);
      });
    });

    describe('when the target is a device id', () => {
      it('passes a token with both wildcards, even for an unknown device', async () => {
        const ctx = testActionContext(db(), adminPrincipal());
        await expect(
          checkTarget(ctx, 'deviceId', { deviceId: 'no-such-device' }),
        ).resolves.toBeUndefined();
      });

      it('passes a restricted token for a visible device', async () => {
        const ctx = testActionContext(db(), client);
        await expect(
          checkTarget(ctx, 'deviceId', { deviceId: ownDevice }),
        ).resolves.toBeUndefined();
      });

      it('hands the device it loaded to the action, so the action need not load it again', async () => {
        const ctx = testActionContext(db(), client);
        await checkTarget(ctx, 'deviceId', { deviceId: ownDevice });
        expect(ctx.checkedDevice).toMatchObject({ id: ownDevice, networkId: ownNetwork });
      });

      it.each([
        ['an unknown device', () => 'no-such-device'],
        ['a device of an unassigned network', () => otherDevice],
      ])('rejects a restricted token with 403 for %s', async (_label, deviceId) => {
        const ctx = testActionContext(db(), client);
        await expect(
          rejection(checkTarget(ctx, 'deviceId', { deviceId: deviceId() })),
        ).resolves.toEqual(denied);
      });

      it('rejects an admin whose token lacks the device type of the device', async () => {
        const ctx = testActionContext(db(), adminPrincipal({ deviceTypeIds: [2] }));
        await expect(
          rejection(checkTarget(ctx, 'deviceId', { deviceId: ownDevice })),
        ).resolves.toEqual(denied);
        await expect(
          checkTarget(ctx, 'deviceId', { deviceId: otherDevice }),
        ).resolves.toBeUndefined();
      });

      it('rejects a client whose token names a network not assigned to the user', async () => {
        const widened = clientPrincipal({
          userId: 99,
          userNetworkIds: [ownNetwork],
          networkIds: [ownNetwork, otherNetwork],
        });
        const ctx = testActionContext(db(), widened);
        await expect(
          rejection(checkTarget(ctx, 'deviceId', { deviceId: otherDevice })),
        ).resolves.toEqual(denied);
      });
    });
  });
});

describe('visibility scopes', () => {
  it('gives an admin exactly the token scopes', () => {
    const admin = adminPrincipal({ networkIds: [3], deviceTypeIds: [4] });
    expect(visibleNetworkIds(admin)).toEqual([3]);
    expect(visibleDeviceTypeIds(admin)).toEqual([4]);
  });

  it('intersects a client token with the user assignments', () => {
    const client = clientPrincipal({
      userId: 5,
      userNetworkIds: [1, 2],
      networkIds: [2, 3],
      deviceTypeIds: [7, 8],
      userDeviceTypeIds: [8, 9],
    });
    expect(visibleNetworkIds(client)).toEqual([2]);
    expect(visibleDeviceTypeIds(client)).toEqual([8]);
    // devices: the user's device-type assignment is not checked (docs/api/README.md)
    expect(visibleDeviceScopes(client)).toEqual({ networkIds: [2], deviceTypeIds: [7, 8] });
  });

  it('keeps the wildcard of a client token restricted by the user assignments', () => {
    const client = clientPrincipal({ userId: 5, userNetworkIds: [1], networkIds: '*' });
    expect(visibleNetworkIds(client)).toEqual([1]);
    expect(visibleDeviceTypeIds(client)).toBe('*');
  });
});
