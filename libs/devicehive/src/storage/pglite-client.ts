import type { PGlite, Results, Transaction } from '@electric-sql/pglite' with {
  'resolution-mode': 'import',
};
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram, type Registry } from 'prom-client';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { PGLITE_PREPARED_STATEMENTS, PgliteStatements } from './pglite-statements';
import type { SqlClient } from './sql-client.port';
import { PG_OID, parseInt8, parseInt8Array, parseUtcTimestamp } from './sql-types';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

class PgliteSqlClient implements SqlClient {
  readonly exclusive = true;

  /**
   * @param db the instance, or the open transaction this client runs in
   * @param owner the instance when this client is not inside a transaction, else null
   * @param statements the instance's prepared statements (pglite-statements.ts)
   */
  constructor(
    private readonly db: Queryable,
    private readonly owner: PGlite | null,
    private readonly statements: PgliteStatements,
    private readonly lock?: DataDirLock,
    private readonly checkpoints?: WalCheckpoints,
  ) {}

  async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
    // Date parameters become ISO-8601 text in `PgliteStatements` (as `toSqlParams` does for `pg`).
    // Outside a transaction: PGlite's own lock, so the statement never runs inside a transaction
    // another caller has open (PGlite's query() takes the same one); inside it, the transaction
    // holds that lock already.
    const result: Results<Row> = this.owner
      ? await this.owner._runExclusiveTransaction(() => this.statements.run<Row>(sql, params, true))
      : await this.statements.run<Row>(sql, params, false);
    // PGlite counts only the rows a statement changed (0 for a SELECT); `pg` reports the rows
    // returned for those, as PostgreSQL's command tag does.
    return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    if (this.owner == null) return work(this); // already inside one: join it
    return this.owner.transaction((tx) => work(new PgliteSqlClient(tx, null, this.statements)));
  }

  async close(): Promise<void> {
    try {
      // PGlite's close writes the last checkpoint: the next start replays no log.
      await this.checkpoints?.stop();
      await this.owner?.close();
    } finally {
      await this.lock?.release();
    }
  }
}

/**
 * PostgreSQL's shared buffers inside PGlite. Its default, 128 MB, is WebAssembly memory that
 * PostgreSQL touches at start: it was half of the embedded process's resident memory and a third of
 * a warm start. At 32 MB a warm PGlite start went from ~1,000 to ~830 ms and its resident memory
 * from 307 to 196 MiB, for ~3 % more CPU per row on a 40,000-row insert run (the notification
 * working set is the newest pages of one table and its indexes). docs/performance.md §3.
 */
export const PGLITE_SHARED_BUFFERS = '32MB';

/** When the embedded database writes a checkpoint ({@link WalCheckpoints}). */
export interface CheckpointPolicy {
  /** Once this much log was written since the last checkpoint (bytes). */
  walBytes: number;
  /** Or once this long passed since it, if at least 1 MiB of log was written (ms). */
  maxIntervalMs: number;
  /** How often the log position is read (ms). */
  checkEveryMs: number;
}

/**
 * 128 MiB of log or 5 minutes (PostgreSQL's own `checkpoint_timeout`), looked at every 10 s.
 * Each checkpoint holds the database for ~20–40 ms here (it writes the dirty pages of 32 MB of
 * shared buffers); at 10,000 inserts/s (~8 MB of log per second) one comes every ~16 s.
 */
export const PGLITE_CHECKPOINTS: Readonly<CheckpointPolicy> = {
  walBytes: 128 * 1024 * 1024,
  maxIntervalMs: 5 * 60_000,
  checkEveryMs: 10_000,
};

const MIN_TIMED_WAL_BYTES = 1024 * 1024;

/**
 * Checkpoints for PGlite. PostgreSQL runs it as one backend without the server around it, and a
 * single backend never checkpoints by itself: `max_wal_size` and `checkpoint_timeout` are acted
 * on by the server's checkpointer process. Without checkpoints the log in `pg_wal/` grows with
 * every write for as long as the process runs (~800 bytes per notification: 28 GB an hour at
 * 10,000 inserts/s), and a start after a crash replays all of it. This runs `CHECKPOINT` by
 * {@link CheckpointPolicy}; afterwards PostgreSQL reuses or removes the older log files, so
 * `pg_wal/` stays near `min_wal_size` (80 MB) plus `walBytes` plus what is written between two
 * looks (docs/operations.md, "The embedded database's disk"). PGlite's own close writes the last
 * one. A failed check or checkpoint is counted, reported to `onError` and tried again next time.
 */
export class WalCheckpoints {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private lastAt = Date.now();

  constructor(
    private readonly db: PGlite,
    private readonly policy: CheckpointPolicy,
    private readonly duration?: Histogram<'result'>,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.timer = setInterval(() => void this.run(), policy.checkEveryMs);
    this.timer.unref();
  }

  /** One check (and checkpoint when due) at a time; a failed one is retried at the next tick. */
  private run(): Promise<void> {
    const started = performance.now();
    this.running ??= this.check()
      .catch((error: unknown) => {
        this.duration?.observe({ result: 'error' }, (performance.now() - started) / 1000);
        this.onError?.(error);
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<void> {
    const { rows } = await this.db.query<{ since: string }>(
      'SELECT (pg_current_wal_lsn() - redo_lsn)::bigint::text AS since FROM pg_control_checkpoint()',
    );
    const since = Number(rows[0]?.since ?? 0);
    const due =
      since >= this.policy.walBytes ||
      (since >= MIN_TIMED_WAL_BYTES && Date.now() - this.lastAt >= this.policy.maxIntervalMs);
    if (!due) return;
    const started = performance.now();
    await this.db.exec('CHECKPOINT');
    this.lastAt = Date.now();
    this.duration?.observe({ result: 'ok' }, (performance.now() - started) / 1000);
  }

  /** Stops the timer and waits for a check in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

/** `dh_db_checkpoint_duration_seconds{result}` in `registry` (one per registry). */
function checkpointHistogram(registry: Registry): Histogram<'result'> {
  const existing = registry.getSingleMetric('dh_db_checkpoint_duration_seconds');
  if (existing) return existing as Histogram<'result'>;
  const histogram = new Histogram({
    name: 'dh_db_checkpoint_duration_seconds',
    help: 'Checkpoints of the embedded database (PGlite) by result (ok, error), and how long each held it',
    labelNames: ['result'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  histogram.zero({ result: 'ok' });
  histogram.zero({ result: 'error' });
  return histogram;
}

/**
 * PostgreSQL settings of the embedded database besides PGlite's own:
 * - `shared_buffers`: {@link PGLITE_SHARED_BUFFERS}.
 * - `wal_init_zero=off`: PostgreSQL fills each new 16 MB WAL file with zeros before its first
 *   record by default. In PGlite that is 16 MB written through its emulated file system inside
 *   one statement: a 50–65 ms stall of the gateway thread (and of every request and push behind
 *   it) each time the log needs a new file, every few seconds under a steady insert load. Off,
 *   PostgreSQL writes only the file's last byte (its documented setting for file systems where
 *   zero-filling buys nothing); WAL records carry their own checksums, so recovery after a crash
 *   is unchanged. `node tools/bench/pglite-wal-stalls.mjs` measures both (docs/performance.md §3).
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: PGLITE_SHARED_BUFFERS,
  wal_init_zero: 'off',
};

/** PGlite's own start parameters plus {@link PGLITE_SETTINGS} (PGlite's alone if unknown). */
function startParams(PGlite: { defaultStartParams?: unknown }): { startParams?: string[] } {
  const defaults = PGlite.defaultStartParams;
  if (!Array.isArray(defaults)) return {};
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  return { startParams: [...(defaults as string[]), ...settings] };
}

/** Creates a PGlite database in the directory of argv[2] and closes it (a process of its own). */
const CREATE_DATA_DIR = `
const [pglite, dataDir, options] = process.argv.slice(1);
const { PGlite } = require(pglite);
const db = new PGlite(dataDir, JSON.parse(options));
db.waitReady.then(() => db.close());
`;

/**
 * Creates the database of a new data directory in a short-lived Node process. PGlite runs initdb
 * on a new directory, which grows its WebAssembly memory to ~800 MiB, and WebAssembly memory never
 * shrinks: opened where it was created, the database would hold that for the life of the process.
 * A process of its own gives all of it back when it ends (a worker thread left ~170 MiB in the
 * allocator), and the database then opens as on any later start (docs/operations.md, "The
 * embedded process's memory").
 */
async function createDataDir(dataDir: string, options: { startParams?: string[] }): Promise<void> {
  const pglite = require.resolve('@electric-sql/pglite');
  const child = spawn(
    process.execPath,
    ['-e', CREATE_DATA_DIR, pglite, dataDir, JSON.stringify(options)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new Error(
      `creating the embedded database in ${dataDir} failed (exit ${code}): ${stderr.trim().slice(-2_000)}`,
    );
  }
}

/**
 * Opens the embedded database (PGlite, docs/design.md): data in `dataDir`, or in memory when
 * `dataDir` is undefined (tests). One connection: transactions run one at a time; one process per
 * data directory ({@link acquireDataDirLock}, held until `close()`). Rows come back
 * with the JS types of sql-types.ts, identical to the `pg` adapter's. Parameterised statements run
 * in one call each and are prepared once ({@link PgliteStatements}).
 */
export async function openPglite(
  dataDir?: string,
  options: {
    dataDirLockHeld?: boolean;
    /** Most prepared statements kept (pglite-statements.ts); default {@link PGLITE_PREPARED_STATEMENTS}. */
    preparedStatements?: number;
    /** When to checkpoint; default {@link PGLITE_CHECKPOINTS}. */
    checkpoints?: CheckpointPolicy;
    /** Where `dh_db_checkpoint_duration_seconds` is measured. */
    metrics?: Registry;
    /** Told when a checkpoint (or the look before it) fails; it is tried again 10 s later. */
    onCheckpointError?: (error: unknown) => void;
  } = {},
): Promise<SqlClient> {
  const lib = await import('@electric-sql/pglite');
  const { PGlite } = lib;
  const capacity = options.preparedStatements ?? PGLITE_PREPARED_STATEMENTS;
  const parsers = {
    [PG_OID.INT8]: parseInt8,
    [PG_OID.INT8_ARRAY]: parseInt8Array,
    [PG_OID.TIMESTAMP]: parseUtcTimestamp,
  };
  const policy = options.checkpoints ?? PGLITE_CHECKPOINTS;
  const histogram = options.metrics ? checkpointHistogram(options.metrics) : undefined;
  const checkpointsOf = (db: PGlite) =>
    new WalCheckpoints(db, policy, histogram, options.onCheckpointError);
  if (dataDir === undefined) {
    // In memory too: the log would grow in the process's memory instead of on disk.
    const db = new PGlite({ parsers, ...startParams(PGlite) });
    await db.waitReady;
    const statements = new PgliteStatements(db, lib, capacity);
    return new PgliteSqlClient(db, db, statements, undefined, checkpointsOf(db));
  }
  // One writer per data directory (docs/security.md): refused before PGlite touches a file. The
  // standalone's gateway thread opens it under the lock its main thread holds (docs/adr/0016).
  const lock = options.dataDirLockHeld ? undefined : await acquireDataDirLock(dataDir);
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await createDataDir(dataDir, startParams(PGlite));
    const db = new PGlite(dataDir, { parsers, ...startParams(PGlite) });
    await db.waitReady;
    const statements = new PgliteStatements(db, lib, capacity);
    return new PgliteSqlClient(db, db, statements, lock, checkpointsOf(db));
  } catch (err) {
    await lock?.release();
    throw err;
  }
}
