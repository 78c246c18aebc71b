import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.port';

type Queryable = Pick<PGlite, 'query'> | Transaction;

class PgliteSqlClient implements SqlClient {
  constructor(
    private readonly db: Queryable,
    private readonly owner: PGlite | null,
  ) {}

  async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
    const result = await this.db.query<Row>(sql, params as unknown[]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.owner == null) return work(this); // already inside one: PGlite has no savepoint API
    return this.owner.transaction((tx) => work(new PgliteSqlClient(tx, null)));
  }

  async close(): Promise<void> {
    await this.owner?.close();
  }
}

/**
 * Opens the embedded database (PGlite, DESIGN.md §2): data in `dataDir`, or in memory when
 * `dataDir` is undefined (tests).
 */
export async function openPglite(dataDir?: string): Promise<SqlClient> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  return new PgliteSqlClient(db, db);
}
