import type { SqlClient } from '../storage/sql-client.port';

/** How long a claimed request id is remembered by default (ms). */
export const REQUEST_LEDGER_RETENTION_MS = 5 * 60_000;

/**
 * Which requests ran, shared by every gateway through the database, so a request that Kafka
 * delivers twice runs once whichever gateways get it (docs/reliability.md). `claim` is one
 * `INSERT … ON CONFLICT DO NOTHING`: true for the first caller of an id, false for every later
 * one, atomically across connections and processes.
 */
export interface RequestLedger {
  /** True when this call claimed `id` (run the request); false when it was claimed before. */
  claim(id: string): Promise<boolean>;
  /** Forgets ids claimed before `before` (epoch ms); resolves with how many. */
  prune(before: number): Promise<number>;
}

export function createRequestLedger(sql: SqlClient): RequestLedger {
  return {
    async claim(id) {
      const { rows } = await sql.query(
        'INSERT INTO dh_request_ledger (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id',
        [id],
      );
      return rows.length === 1;
    },
    async prune(before) {
      const { rowCount } = await sql.query('DELETE FROM dh_request_ledger WHERE claimed_at < $1', [
        new Date(before).toISOString(),
      ]);
      return rowCount;
    },
  };
}
