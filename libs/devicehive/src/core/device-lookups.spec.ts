import type { JsonObject } from '@dh-mqtt/protocol';
import { createDeviceHive } from '../devicehive';
import type { SqlClient } from '../storage/sql-client.port';
import {
  adminPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  recordingSql,
  STORAGE_KINDS,
  TEST_JWT_SECRET,
  useTestDatabase,
} from '../testing';
import { DeviceLookups } from './device-lookups';

const deviceReads = (statements: string[]) => statements.filter((s) => /FROM dh_device d/.test(s));

describe.each(STORAGE_KINDS)(`${DeviceLookups.name} on %s`, (kind) => {
  const database = useTestDatabase(kind);
  let network: number;
  let deviceType: number;

  beforeAll(async () => {
    network = await insertTestNamedEntity(database(), 'dh_network');
    deviceType = await insertTestNamedEntity(database(), 'dh_device_type');
  });

  const newDevice = (data?: object) =>
    insertTestDevice(database(), { networkId: network, deviceTypeId: deviceType, data });

  it('answers the lookups of one pass with one statement, each with its own device', async () => {
    const [a, b] = [await newDevice({ n: 1 }), await newDevice()];
    const { client, statements } = recordingSql(database());
    const lookups = new DeviceLookups(client);
    const found = await Promise.all([
      lookups.find(client, a),
      lookups.find(client, b),
      lookups.find(client, 'no-such-device'),
      lookups.find(client, a),
    ]);
    expect(deviceReads(statements)).toHaveLength(1);
    expect(found.map((device) => device?.id ?? null)).toEqual([a, b, null, a]);
    expect(found[0]).toEqual({
      id: a,
      name: a,
      data: { n: 1 },
      networkId: network,
      deviceTypeId: deviceType,
      isBlocked: false,
    });
    // Two callers of one id do not share an object one of them could change.
    expect(found[3]).toEqual(found[0]);
    expect(found[3]).not.toBe(found[0]);
    expect((found[3]?.data as JsonObject).n).toBe(1);
  });

  it('keeps the plain statement for a lookup alone, and sends one per pass', async () => {
    const a = await newDevice();
    const { client, statements } = recordingSql(database());
    const lookups = new DeviceLookups(client);
    expect((await lookups.find(client, a))?.id).toBe(a);
    expect((await lookups.find(client, a))?.id).toBe(a);
    expect(deviceReads(statements)).toEqual([
      expect.stringContaining('WHERE d.id = $1'),
      expect.stringContaining('WHERE d.id = $1'),
    ]);
  });

  it('reads what was committed before the lookup: nothing is kept between passes', async () => {
    const a = await newDevice();
    const lookups = new DeviceLookups(database());
    expect((await lookups.find(database(), a))?.name).toBe(a);
    await database().query('UPDATE dh_device SET name = $1 WHERE id = $2', ['renamed', a]);
    const [first, second] = await Promise.all([
      lookups.find(database(), a),
      lookups.find(database(), 'other'),
    ]);
    expect(first?.name).toBe('renamed');
    expect(second).toBeNull();
  });

  it('reads through a transaction it was given, not through its own client', async () => {
    const a = await newDevice();
    const { client, statements } = recordingSql(database());
    const lookups = new DeviceLookups(client);
    const seen = await database().transaction(async (tx) => {
      await tx.query('UPDATE dh_device SET name = $1 WHERE id = $2', ['in-tx', a]);
      return lookups.find(tx, a);
    });
    expect(seen?.name).toBe('in-tx');
    expect(statements).toEqual([]);
  });

  it('rejects every lookup of a statement that fails', async () => {
    const failing: SqlClient = {
      ...database(),
      query: () => Promise.reject(new Error('connection lost')),
    };
    const lookups = new DeviceLookups(failing);
    const results = await Promise.allSettled([
      lookups.find(failing, 'a'),
      lookups.find(failing, 'b'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('the core on a shared database (PostgreSQL)', () => {
  const database = useTestDatabase('postgres');

  it('looks the devices of concurrent notification inserts up in one statement', async () => {
    const network = await insertTestNamedEntity(database(), 'dh_network');
    const deviceType = await insertTestNamedEntity(database(), 'dh_device_type');
    const ids = await Promise.all(
      [1, 2, 3].map(() =>
        insertTestDevice(database(), { networkId: network, deviceTypeId: deviceType }),
      ),
    );
    const { client, statements } = recordingSql(database());
    const core = await createDeviceHive({ sql: client, jwtSecret: TEST_JWT_SECRET });
    statements.length = 0;
    const outcomes = await Promise.all(
      ids.map((deviceId) =>
        core.execute(
          'notification/insert',
          { deviceId, notification: { notification: 'temperature' } },
          { principal: adminPrincipal(), clientId: `client-${deviceId}` },
        ),
      ),
    );
    expect(outcomes.map((o) => o.events?.[0]?.deviceId)).toEqual(ids);
    expect(outcomes.map((o) => o.events?.[0]?.networkId)).toEqual([network, network, network]);
    expect(deviceReads(statements)).toHaveLength(1);
  });

  it('reads the devices of concurrent device/get requests in one statement', async () => {
    const network = await insertTestNamedEntity(database(), 'dh_network');
    const deviceType = await insertTestNamedEntity(database(), 'dh_device_type');
    const ids = await Promise.all(
      [1, 2].map(() =>
        insertTestDevice(database(), { networkId: network, deviceTypeId: deviceType }),
      ),
    );
    const { client, statements } = recordingSql(database());
    const core = await createDeviceHive({ sql: client, jwtSecret: TEST_JWT_SECRET });
    statements.length = 0;
    const outcomes = await Promise.all(
      [...ids, 'no-such-device'].map((deviceId) =>
        core
          .execute('device/get', { deviceId }, { principal: adminPrincipal(), clientId: 'c' })
          .then(
            (outcome) => (outcome.body as { device: { id: string } }).device.id,
            (error: Error) => error.message,
          ),
      ),
    );
    expect(outcomes).toEqual([...ids, 'Device with such deviceId = no-such-device not found']);
    expect(deviceReads(statements)).toHaveLength(1);
  });
});
