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
