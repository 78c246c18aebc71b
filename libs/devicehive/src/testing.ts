import { seedBootstrapData } from './storage/bootstrap';
import { migrate } from './storage/migrate';
import { openPglite } from './storage/pglite-client';
import type { SqlClient } from './storage/sql-client.port';

export type StorageKind = 'pglite' | 'postgres';

/** The adapters every storage behaviour suite runs against (STYLE.md: contract suites). */
export const STORAGE_KINDS: readonly StorageKind[] = ['pglite', 'postgres'];

/** Opens a fresh, migrated, bootstrapped database of that kind. */
export async function openTestDatabase(kind: StorageKind): Promise<SqlClient> {
  if (kind === 'postgres') {
    throw new Error('PostgreSQL test databases are not wired yet');
  }
  const sql = await openPglite();
  await migrate(sql);
  await seedBootstrapData(sql);
  return sql;
}

/**
 * Registers beforeAll/afterAll hooks that open a fresh database of `kind` for the enclosing
 * describe block, and returns a getter for it.
 */
export function useTestDatabase(kind: StorageKind): () => SqlClient {
  let sql: SqlClient | undefined;
  beforeAll(async () => {
    sql = await openTestDatabase(kind);
  }, 60_000);
  afterAll(async () => {
    await sql?.close();
  });
  return () => {
    if (!sql) throw new Error('test database not open yet');
    return sql;
  };
}

// Builders for action tests (network/device-type/device actions). Imports sit here because this
// block is appended to a file owned by another engineer.
import { ALL_PERMISSIONS, CLIENT_PERMISSIONS, UserRole, type Principal } from '@dh-mqtt/protocol';
import type { ActionContext } from './core/action';

/** A principal of the bootstrap admin (user 1) with an all-wildcard token (§3.3), or overrides. */
export function adminPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    userId: 1,
    login: 'dhadmin',
    role: UserRole.Admin,
    permissions: ALL_PERMISSIONS,
    networkIds: '*',
    deviceTypeIds: '*',
    userNetworkIds: '*',
    userDeviceTypeIds: '*',
    ...overrides,
  };
}

/**
 * A CLIENT principal as a login token makes it (§3.3): client permissions, token networks = the
 * assigned networks, all device types. `userId` should name a real dh_user row when the action
 * reads the user's assignments (see `insertTestUser`).
 */
export function clientPrincipal(
  overrides: Partial<Principal> & { userId: number; userNetworkIds: readonly number[] },
): Principal {
  return {
    login: `client-${overrides.userId}`,
    role: UserRole.Client,
    permissions: CLIENT_PERMISSIONS,
    networkIds: overrides.userNetworkIds,
    deviceTypeIds: '*',
    userDeviceTypeIds: '*',
    ...overrides,
  };
}

/** An ActionContext over `sql` for `principal`, with a fixed clock unless `now` is given. */
export function testActionContext(
  sql: SqlClient,
  principal: Principal | null,
  now: () => Date = () => new Date('2018-02-08T15:49:29.123Z'),
): ActionContext {
  return { sql, principal, clientId: 'test-client', now, jwtSecret: 'dGVzdC1zZWNyZXQ=' };
}

let testNameCounter = 0;

/** A name unique within the test process, so tests sharing a database never collide. */
export function uniqueTestName(prefix: string): string {
  testNameCounter += 1;
  return `${prefix}-${process.pid}-${testNameCounter}`;
}

/**
 * Inserts a user with direct SQL (no users service) and its network/device-type assignments;
 * returns its id.
 */
export async function insertTestUser(
  sql: SqlClient,
  options: {
    role?: UserRole;
    networkIds?: readonly number[];
    deviceTypeIds?: readonly number[];
    allDeviceTypesAvailable?: boolean;
  } = {},
): Promise<number> {
  const { rows } = await sql.query<{ id: unknown }>(
    `INSERT INTO dh_user (login, role, status, all_device_types_available)
     VALUES ($1, $2, 0, $3) RETURNING id`,
    [
      uniqueTestName('user'),
      options.role ?? UserRole.Client,
      options.allDeviceTypesAvailable ?? true,
    ],
  );
  const userId = Number(rows[0]?.id);
  for (const networkId of options.networkIds ?? []) {
    await sql.query('INSERT INTO dh_user_network (user_id, network_id) VALUES ($1, $2)', [
      userId,
      networkId,
    ]);
  }
  for (const deviceTypeId of options.deviceTypeIds ?? []) {
    await sql.query('INSERT INTO dh_user_device_type (user_id, device_type_id) VALUES ($1, $2)', [
      userId,
      deviceTypeId,
    ]);
  }
  return userId;
}

/** Inserts a network (or device type, `table` = dh_device_type) with direct SQL; returns its id. */
export async function insertTestNamedEntity(
  sql: SqlClient,
  table: 'dh_network' | 'dh_device_type',
  name: string = uniqueTestName(table),
  description: string | null = null,
): Promise<number> {
  const { rows } = await sql.query<{ id: unknown }>(
    `INSERT INTO ${table} (name, description) VALUES ($1, $2) RETURNING id`,
    [name, description],
  );
  return Number(rows[0]?.id);
}

/** Inserts a device with direct SQL. */
export async function insertTestDevice(
  sql: SqlClient,
  device: { id?: string; name?: string; networkId: number; deviceTypeId: number; data?: object },
): Promise<string> {
  const id = device.id ?? uniqueTestName('dev');
  await sql.query(
    `INSERT INTO dh_device (id, name, data, network_id, device_type_id) VALUES ($1, $2, $3::jsonb, $4, $5)`,
    [
      id,
      device.name ?? id,
      device.data ? JSON.stringify(device.data) : null,
      device.networkId,
      device.deviceTypeId,
    ],
  );
  return id;
}
