import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDeviceHive, type DeviceHive, type DeviceHiveOptions } from '../devicehive';
import { openStorage } from '../storage/open-storage';
import type { SqlClient } from '../storage/sql-client.port';

export type StorageKind = 'pglite' | 'postgres';

/** The JWT secret of test cores (Base64, like every DeviceHive secret: the key is its bytes). */
export const TEST_JWT_SECRET = 'dGVzdC1zZWNyZXQtb2YtZGgtbXF0dA==';

/** The adapters every storage behaviour suite runs against (CONTRIBUTING.md: contract suites). */
export const STORAGE_KINDS: readonly StorageKind[] = ['pglite', 'postgres'];

/** The server test databases are created on; set by tools/infra/jest-postgres-setup.mjs. */
function testServerUrl(): string {
  const url = process.env.DH_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'DH_TEST_DATABASE_URL is not set: add tools/infra/jest-postgres-setup.mjs (and ' +
        '-teardown.mjs) as globalSetup/globalTeardown of this jest project, or point it at a server',
    );
  }
  return url;
}

async function withServer<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: testServerUrl() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** A fresh database `dh_test_<random>` on the test server, dropped again on close. */
async function openPostgresTestDatabase(adminPassword?: string): Promise<SqlClient> {
  const name = `dh_test_${randomBytes(8).toString('hex')}`;
  await withServer((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  let sql: SqlClient;
  try {
    sql = await openStorage({ databaseUrl: url.toString(), adminPassword, pg: { max: 4 } });
  } catch (error) {
    await withServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw error;
  }
  return {
    query: (text, params) => sql.query(text, params),
    exec: (text) => sql.exec(text),
    transaction: (work) => sql.transaction(work),
    async close() {
      await sql.close();
      await withServer((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export interface TestDatabaseOptions {
  /** Bootstrap admin password (default the reference one, docs/api/README.md). */
  adminPassword?: string;
}

/**
 * Opens a fresh, migrated, bootstrapped database of that kind: an in-memory PGlite, or a new
 * database on the PostgreSQL test server (dropped on close).
 */
export async function openTestDatabase(
  kind: StorageKind,
  options: TestDatabaseOptions = {},
): Promise<SqlClient> {
  return kind === 'postgres'
    ? openPostgresTestDatabase(options.adminPassword)
    : openStorage({ adminPassword: options.adminPassword });
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

export { recordingSql } from './sql.fixtures';

// Tokens as the core signs them (specs of other token consumers, e.g. the remote backend).
export { signToken } from '../auth/jwt';

// Principal/context/row builders for action specs (network, device type, device actions).
export {
  adminPrincipal,
  clientPrincipal,
  insertTestDevice,
  insertTestNamedEntity,
  insertTestUser,
  runTestAction,
  testActionContext,
  testNotificationRow,
  type ActionResult,
  uniqueTestName,
} from './actions.fixtures';

/**
 * A DeviceHive core over a fresh test database of `kind` (closed with it), signing with
 * {@link TEST_JWT_SECRET} unless `jwtSecret` is given.
 */
export async function openTestDeviceHive(
  kind: StorageKind,
  options: Omit<DeviceHiveOptions, 'sql' | 'databaseUrl' | 'dataDir'> = {},
): Promise<DeviceHive> {
  const sql = await openTestDatabase(kind, { adminPassword: options.adminPassword });
  try {
    return await createDeviceHive({ jwtSecret: TEST_JWT_SECRET, ...options, sql });
  } catch (error) {
    await sql.close();
    throw error;
  }
}

/** beforeAll/afterAll hooks around {@link openTestDeviceHive}; returns a getter. */
export function useTestDeviceHive(
  kind: StorageKind,
  options: Omit<DeviceHiveOptions, 'sql' | 'databaseUrl' | 'dataDir'> = {},
): () => DeviceHive {
  let core: DeviceHive | undefined;
  beforeAll(async () => {
    core = await openTestDeviceHive(kind, options);
  }, 60_000);
  afterAll(async () => {
    await core?.close();
  });
  return () => {
    if (!core) throw new Error('test DeviceHive not open yet');
    return core;
  };
}
