import { PerTurnQueue } from '../core/per-turn-queue';
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

/** Most ids claimed by one statement (PostgreSQL allows 65,535 parameters). */
const MAX_CLAIMS_PER_STATEMENT = 500;

interface PendingClaim {
  id: string;
  resolve(claimed: boolean): void;
  reject(error: unknown): void;
}

/**
 * Claims made in the same event-loop turn share one multi-row `INSERT … ON CONFLICT DO NOTHING
 * RETURNING id` (docs/adr/0010-ledger-claims-batched.md): under load a gateway handles many
 * requests per turn, and one statement per claim was half of the SQL an insert costs. Each
 * claim resolves as its own statement would have: true for the first claimer of an id, across
 * gateways (the row) and within the batch (the first caller of a repeated id).
 */
export function createRequestLedger(sql: SqlClient): RequestLedger {
  async function run(batch: PendingClaim[]): Promise<void> {
    const ids = [...new Set(batch.map((claim) => claim.id))];
    try {
      const placeholders = ids.map((_, i) => `($${i + 1})`).join(', ');
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO dh_request_ledger (id) VALUES ${placeholders} ON CONFLICT (id) DO NOTHING RETURNING id`,
        ids,
      );
      const won = new Set(rows.map((row) => row.id));
      for (const claim of batch) {
        // The first caller of an id in this batch gets the row's outcome, any later one false.
        claim.resolve(won.delete(claim.id));
      }
    } catch (error) {
      for (const claim of batch) claim.reject(error);
    }
  }

  const claims = new PerTurnQueue<PendingClaim>(MAX_CLAIMS_PER_STATEMENT, (batch) => {
    void run(batch);
  });

  return {
    claim(id) {
      return new Promise<boolean>((resolve, reject) => claims.add({ id, resolve, reject }));
    },
    async prune(before) {
      const { rowCount } = await sql.query('DELETE FROM dh_request_ledger WHERE claimed_at < $1', [
        new Date(before).toISOString(),
      ]);
      return rowCount;
    },
  };
}
