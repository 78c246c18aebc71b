import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient } from './sql-client.port';

const MIGRATIONS_DIR = join(__dirname, 'migrations');

export interface Migration {
  id: string;
  sql: string;
}

/** The SQL migrations shipped with the core, in file-name order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({
      id: name.replace(/\.sql$/, ''),
      sql: readFileSync(join(dir, name), 'utf8'),
    }));
}

/**
 * Applies the migrations not yet recorded in `dh_schema_migrations`, each in its own transaction.
 * Idempotent; concurrent starts of several gateway pods are serialized by an advisory lock.
 */
export async function migrate(sql: SqlClient, migrations = loadMigrations()): Promise<string[]> {
  const applied: string[] = [];
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4242001)');
    await tx.query(
      `CREATE TABLE IF NOT EXISTS dh_schema_migrations (
         id VARCHAR(128) PRIMARY KEY,
         applied_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))`,
    );
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM dh_schema_migrations');
    const done = new Set(rows.map((row) => row.id));
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO dh_schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
  });
  return applied;
}
