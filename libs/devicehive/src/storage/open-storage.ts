import { mkdirSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { seedBootstrapData } from './bootstrap';
import { migrate } from './migrate';
import { openPg, type PgOptions } from './pg-client';
import { openPglite } from './pglite-client';
import type { SqlClient } from './sql-client.port';
import { describeError } from './sql-errors';
import { timeStatements } from './timed-sql-client';

export interface StorageOptions {
  /** PostgreSQL connection URL (`DH_DATABASE_URL`); when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data folder (`DH_DATA_DIR`), created when missing; in memory when both are unset. */
  dataDir?: string;
  /** Password of the bootstrap admin on a fresh database (`DH_ADMIN_PASSWORD`). */
  adminPassword?: string;
  /**
   * The caller holds `dataDir`'s lock (`acquireDataDirLock`) for the storage's whole life,
   * from another thread of this process (the standalone's gateway thread, docs/adr/0016).
   */
  dataDirLockHeld?: boolean;
  /** Pool settings of the PostgreSQL adapter. */
  pg?: PgOptions;
  /**
   * The app's Prometheus registry: statement durations and pool use (PostgreSQL) or checkpoints
   * (PGlite) are measured there.
   */
  metrics?: Registry;
  /** Where a failed checkpoint of the embedded database is reported (pino-compatible). */
  logger?: { error(details: Record<string, unknown>, message: string): void };
}

/**
 * Opens the storage of docs/design.md: PostgreSQL when `databaseUrl` is given, else PGlite;
 * applies pending migrations and, on a fresh database, the bootstrap data (docs/api/README.md).
 * Safe to run from several processes at once (both steps take advisory locks). Closes the
 * connection again when a step fails.
 */
export async function openStorage(options: StorageOptions = {}): Promise<SqlClient> {
  let sql: SqlClient;
  if (options.databaseUrl) {
    sql = openPg(options.databaseUrl, options.pg);
  } else {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const { logger } = options;
    sql = await openPglite(options.dataDir, {
      dataDirLockHeld: options.dataDirLockHeld,
      metrics: options.metrics,
      onCheckpointError: logger
        ? (error) => logger.error(describeError(error), 'embedded database checkpoint failed')
        : undefined,
    });
  }
  try {
    await migrate(sql);
    await seedBootstrapData(sql, { adminPassword: options.adminPassword });
    return options.metrics ? timeStatements(sql, options.metrics) : sql;
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}
