import { Pool, types, type PoolClient, type PoolConfig } from 'pg';
import type { SqlClient } from './sql-client.port';
import { PG_OID, parseInt8, parseInt8Array, parseUtcTimestamp, toSqlParams } from './sql-types';

const PARSERS: Record<number, (text: string) => unknown> = {
  [PG_OID.INT8]: parseInt8,
  [PG_OID.INT8_ARRAY]: parseInt8Array,
  [PG_OID.TIMESTAMP]: parseUtcTimestamp,
};

/** Per-pool type parsers (sql-types.ts); the global `pg.types` registry stays untouched. */
const typeParsers: PoolConfig['types'] = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PARSERS[oid]
      ? PARSERS[oid]
      : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
};

type Queryable = Pick<PoolClient, 'query'>;

class PgSqlClient implements SqlClient {
  constructor(
    private readonly db: Queryable,
    private readonly pool: Pool | null,
  ) {}

  async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
    const result = await this.db.query(sql, toSqlParams(params));
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    // Without parameters pg uses the simple query protocol, which runs several statements.
    await this.db.query(sql);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.pool == null) return work(this); // already inside one: join it
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(new PgSqlClient(client, null));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is unusable: destroy it instead of pooling it
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }

  /** Connections of the pool and clients waiting for one (`dh_db_pool_connections`). */
  poolStats() {
    const pool = this.pool;
    return {
      total: pool?.totalCount ?? 0,
      idle: pool?.idleCount ?? 0,
      waiting: pool?.waitingCount ?? 0,
    };
  }
}

export interface PgOptions {
  /** Pool size per process (default 10). */
  max?: number;
  /** Called when an idle pooled connection fails (the pool drops it and goes on). */
  onIdleError?: (error: Error) => void;
}

/**
 * Opens a connection pool to PostgreSQL (`DH_DATABASE_URL`, docs/design.md). Rows come back with
 * the JS types of sql-types.ts, identical to PGlite's. Nothing connects until the first query.
 */
export function openPg(connectionString: string, options: PgOptions = {}): SqlClient {
  const pool = new Pool({ connectionString, max: options.max ?? 10, types: typeParsers });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return new PgSqlClient(pool, pool);
}
