import type { SqlClient } from '../storage/sql-client.port';

/** A `dh_configuration` row (docs/api/configuration.md). */
export interface ConfigurationRecord {
  id: number;
  name: string;
  value: string;
  entityVersion: number;
}

const COLUMNS = 'id, name, value, entity_version AS "entityVersion"';

export async function findConfiguration(
  sql: SqlClient,
  name: string,
): Promise<ConfigurationRecord | null> {
  const { rows } = await sql.query<ConfigurationRecord>(
    `SELECT ${COLUMNS} FROM dh_configuration WHERE name = $1`,
    [name],
  );
  return rows[0] ?? null;
}

/** An integer setting (`user.login.maxAttempts`, ...); `fallback` when absent or not a number. */
export async function readIntegerSetting(
  sql: SqlClient,
  name: string,
  fallback: number,
): Promise<number> {
  const value = Number((await findConfiguration(sql, name))?.value);
  return Number.isSafeInteger(value) ? value : fallback;
}

/** Outcome of {@link putConfiguration}: the stored row and whether this call created it. */
export interface PutOutcome {
  record: ConfigurationRecord;
  created: boolean;
}

/**
 * Creates or updates a setting with optimistic locking on `entity_version`: an update only lands
 * on the version it read (and bumps it); a lost race re-reads and tries again. Returns null when
 * `attempts` races were lost in a row (the caller answers 409).
 */
export async function putConfiguration(
  sql: SqlClient,
  name: string,
  value: string,
  attempts = 5,
): Promise<PutOutcome | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await findConfiguration(sql, name);
    if (current == null) {
      const { rows } = await sql.query<ConfigurationRecord>(
        `INSERT INTO dh_configuration (name, value, entity_version) VALUES ($1, $2, 0)
         ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
        [name, value],
      );
      if (rows[0]) return { record: rows[0], created: true };
      continue;
    }
    const { rows } = await sql.query<ConfigurationRecord>(
      `UPDATE dh_configuration SET value = $2, entity_version = entity_version + 1
        WHERE id = $1 AND entity_version = $3 RETURNING ${COLUMNS}`,
      [current.id, value, current.entityVersion],
    );
    if (rows[0]) return { record: rows[0], created: false };
  }
  return null;
}

/** Deletes a setting; false when there was none. */
export async function deleteConfiguration(sql: SqlClient, name: string): Promise<boolean> {
  const { rowCount } = await sql.query('DELETE FROM dh_configuration WHERE name = $1', [name]);
  return rowCount > 0;
}
