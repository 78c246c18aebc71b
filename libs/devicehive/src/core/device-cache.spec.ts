import type { JsonObject, Principal } from '@dh-mqtt/protocol';
import { call, rejection } from '../testing/auth.fixtures';
import {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  openTestDatabase,
  recordingSql,
  STORAGE_KINDS,
  useTestDeviceHive,
} from '../testing';
import type { SqlClient } from '../storage/sql-client.port';
import { DeviceCache, deviceCacheFor, invalidatesDevices } from './device-cache';

const admin = adminPrincipal();

function insert(core: Parameters<typeof call>[0], deviceId: string, principal: Principal = admin) {
  return call(
    core,
    'notification/insert',
    { deviceId, notification: { notification: 'n' } },
    principal,
  );
}

function pushedNetworkId(outcome: { events?: Array<{ networkId: number }> }): number | undefined {
  return outcome.events?.[0]?.networkId;
}

// The cache is on for PGlite only; the behaviour below must be the same with and without it.
describe(DeviceCache.name, () => {
  describe.each(STORAGE_KINDS)('behind the core on %s', (kind) => {
    const core = useTestDeviceHive(kind);
    let networkA: number;
    let networkB: number;

    beforeAll(async () => {
      networkA = await insertTestNamedEntity(core().sql, 'dh_network');
      networkB = await insertTestNamedEntity(core().sql, 'dh_network');
    });

    async function cachedDevice(networkId = networkA): Promise<string> {
      const deviceId = await insertTestDevice(core().sql, { networkId, deviceTypeId: 1 });
      await insert(core(), deviceId); // loads it (into the cache where there is one)
      return deviceId;
    }

    describe('when device/save moves a device to another network', () => {
      it('stamps the next insert with the new network and applies the new visibility at once', async () => {
        const deviceId = await cachedDevice();
        const client = clientPrincipal({ userId: 1, userNetworkIds: [networkA] });
        await expect(insert(core(), deviceId, client)).resolves.toBeDefined();
        await call(
          core(),
          'device/save',
          { deviceId, device: { name: 'moved', networkId: networkB } },
          admin,
        );

        expect(pushedNetworkId(await insert(core(), deviceId))).toBe(networkB);
        await expect(rejection(insert(core(), deviceId, client))).resolves.toEqual({
          status: 403,
          message: 'Access is denied',
        });
      });
    });

    describe('when device/delete removed the device', () => {
      it('answers the next insert 404', async () => {
        const deviceId = await cachedDevice();
        await call(core(), 'device/delete', { deviceId }, admin);
        await expect(rejection(insert(core(), deviceId))).resolves.toEqual({
          status: 404,
          message: `Device with such deviceId = ${deviceId} not found`,
        });
      });
    });

    describe.each([
      ['network/delete', 'networkId'],
      ['devicetype/delete', 'deviceTypeId'],
    ] as const)('when a forced %s cascaded to the device', (action, field) => {
      it('answers the next insert 404', async () => {
        const networkId = await insertTestNamedEntity(core().sql, 'dh_network');
        const deviceTypeId = await insertTestNamedEntity(core().sql, 'dh_device_type');
        const deviceId = await insertTestDevice(core().sql, { networkId, deviceTypeId });
        await insert(core(), deviceId);
        const request: JsonObject = { [field]: field === 'networkId' ? networkId : deviceTypeId };
        await call(core(), action, { ...request, force: true }, admin);
        await expect(rejection(insert(core(), deviceId))).resolves.toMatchObject({ status: 404 });
      });
    });
  });

  describe(deviceCacheFor.name, () => {
    it.each([
      ['pglite', true],
      ['postgres', false],
    ] as const)('caches on %s: %s (only an exclusive database may be cached)', async (kind, on) => {
      const sql = await openTestDatabase(kind);
      try {
        expect(deviceCacheFor(sql) != null).toBe(on);
      } finally {
        await sql.close();
      }
    });
  });

  describe(invalidatesDevices.name, () => {
    it.each([
      ['device/save', true],
      ['device/delete', true],
      ['network/delete', true],
      ['devicetype/delete', true],
      ['user/assignNetwork', true],
      ['notification/insert', false],
      ['command/insert', false],
      ['device/get', false],
    ] as const)('%s → %s', (action, expected) => {
      expect(invalidatesDevices(action)).toBe(expected);
    });
  });

  describe('when one id misses several times in one pass (a client’s pipelined inserts)', () => {
    it('reads it once through the same handle, and anew after an invalidation', async () => {
      const db = await openTestDatabase('pglite');
      const recorded = recordingSql(db);
      try {
        const cache = new DeviceCache();
        const deviceId = await insertTestDevice(db, { networkId: 1, deviceTypeId: 1 });
        const first = await Promise.all(
          Array.from({ length: 8 }, () => cache.find(recorded.client, deviceId)),
        );
        expect(first.map((device) => device?.id)).toEqual(Array(8).fill(deviceId));
        expect(recorded.statements).toHaveLength(1);

        const before = cache.find(recorded.client, deviceId); // a hit
        cache.invalidate();
        const moved = await insertTestNamedEntity(db, 'dh_network');
        await db.query('UPDATE dh_device SET network_id = $2 WHERE id = $1', [deviceId, moved]);
        const after = await Promise.all([
          cache.find(recorded.client, deviceId),
          cache.find(recorded.client, deviceId),
        ]);
        expect((await before)?.networkId).toBe(1);
        expect(after.map((device) => device?.networkId)).toEqual([moved, moved]);
        expect(recorded.statements).toHaveLength(2);
      } finally {
        await db.close();
      }
    });

    it('does not let a lookup made after an invalidation wait for a read that started before it', async () => {
      const db = await openTestDatabase('pglite');
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let queries = 0;
        // The first read is held in flight; the ones after it go through at once.
        const gated: SqlClient = {
          ...db,
          query: async <Row extends object>(text: string, params?: readonly unknown[]) => {
            queries += 1;
            const result = db.query<Row>(text, params);
            if (queries === 1) await held;
            return result;
          },
        };
        const cache = new DeviceCache();
        const deviceId = await insertTestDevice(db, { networkId: 1, deviceTypeId: 1 });
        const stale = cache.find(gated, deviceId);
        await new Promise((resolve) => setTimeout(resolve, 10)); // its row is read: networkId 1
        cache.invalidate(); // a device write completes while the read is in flight
        const moved = await insertTestNamedEntity(db, 'dh_network');
        await db.query('UPDATE dh_device SET network_id = $2 WHERE id = $1', [deviceId, moved]);

        expect((await cache.find(gated, deviceId))?.networkId).toBe(moved);
        release();
        expect((await stale)?.networkId).toBe(1);
        expect((await cache.find(gated, deviceId))?.networkId).toBe(moved);
      } finally {
        await db.close();
      }
    });
  });

  describe('when a lookup overlaps an invalidation', () => {
    it('does not keep the row it read before the change', async () => {
      const sql = await openTestDatabase('pglite');
      try {
        const cache = new DeviceCache();
        const deviceId = await insertTestDevice(sql, { networkId: 1, deviceTypeId: 1 });
        const stale = cache.find(sql, deviceId);
        cache.invalidate(); // a device write completes while the read is in flight
        const moved = await insertTestNamedEntity(sql, 'dh_network');
        await sql.query('UPDATE dh_device SET network_id = $2 WHERE id = $1', [deviceId, moved]);
        expect((await stale)?.networkId).toBe(1);
        expect((await cache.find(sql, deviceId))?.networkId).toBe(moved);
      } finally {
        await sql.close();
      }
    });
  });
});
