import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { transformFileSync } from '@swc/core';
import { Registry } from 'prom-client';
import { DataDirInUseError } from './data-dir-lock';
import { openPglite, PGLITE_SHARED_BUFFERS, WalCheckpoints } from './pglite-client';
import type { SqlClient } from './sql-client.port';

describe('openPglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`runs PostgreSQL with ${PGLITE_SHARED_BUFFERS} of shared buffers and PGlite's own settings`, async () => {
    const sql = await openPglite(join(dir, 'data'));
    try {
      const buffers = await sql.query<{ shared_buffers: string }>('SHOW shared_buffers');
      const path = await sql.query<{ search_path: string }>('SHOW search_path');
      const walZero = await sql.query<{ wal_init_zero: string }>('SHOW wal_init_zero');

      expect(buffers.rows[0].shared_buffers).toBe('32MB');
      // New WAL files are not zero-filled: no ~60 ms stall per 16 MB of log (pglite-client.ts).
      expect(walZero.rows[0].wal_init_zero).toBe('off');
      // One of PGlite's default start parameters: still applied beside ours.
      expect(path.rows[0].search_path).toBe('public');
    } finally {
      await sql.close();
    }
  });

  it('creates a new data directory in a process of its own: initdb does not stay in this one', async () => {
    const before = process.memoryUsage().rss;
    const sql = await openPglite(join(dir, 'fresh'));
    const grown = process.memoryUsage().rss - before;
    try {
      expect((await sql.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
      // initdb grows PGlite's WebAssembly memory by ~650 MiB, for good; one open database less
      // than half of that.
      expect(grown).toBeLessThan(400 * 1024 * 1024);
    } finally {
      await sql.close();
    }
  });

  it('says which directory it could not create the database in, and why', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const failure = await openPglite(join(file, 'data'), { dataDirLockHeld: true }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure?.message).toContain(
      `creating the embedded database in ${join(file, 'data')} failed`,
    );
    expect(failure?.message).toMatch(/ENOTDIR|not a directory/i);
  });

  describe('when another thread of this process holds the data directory lock', () => {
    /** The lock taken in a worker thread, as the standalone's main thread takes it. */
    async function lockInAnotherThread(dataDir: string): Promise<Worker> {
      const compiled = join(dir, 'lock-module.cjs');
      writeFileSync(
        compiled,
        transformFileSync(require.resolve('./data-dir-lock'), {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
        }).code,
      );
      const worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         require(workerData.compiled).acquireDataDirLock(workerData.dataDir).then(
           () => parentPort.postMessage('locked'),
           (err) => parentPort.postMessage(String(err)),
         );
         setInterval(() => undefined, 1000); // the lock does not keep a thread alive by itself`,
        { eval: true, workerData: { compiled, dataDir } },
      );
      const outcome = await new Promise((resolve) => worker.once('message', resolve));
      expect(outcome).toBe('locked');
      return worker;
    }

    it('opens the database with dataDirLockHeld, and refuses without it', async () => {
      const dataDir = join(dir, 'held');
      const holder = await lockInAnotherThread(dataDir);
      try {
        const refused = await openPglite(dataDir).catch((error: unknown) => error);
        const sql = await openPglite(dataDir, { dataDirLockHeld: true });
        const answer = await sql.query<{ one: number }>('SELECT 1 AS one');
        await sql.close();

        expect(refused).toBeInstanceOf(DataDirInUseError);
        expect(answer.rows[0].one).toBe(1);
      } finally {
        await holder.terminate();
      }
    });
  });
});

describe('PGlite statements (one call each, prepared once)', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await openPglite(undefined, { preparedStatements: 3 });
    await sql.exec('CREATE TABLE t (id BIGSERIAL PRIMARY KEY, a TEXT, n INTEGER)');
  });
  afterAll(() => sql.close());

  /** The statements PostgreSQL holds prepared on this connection, by text. */
  async function preparedTexts(): Promise<string[]> {
    const { rows } = await sql.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time, name',
    );
    return rows.map((row) => row.statement);
  }

  it('prepares a text once and runs it again by name', async () => {
    const text = 'SELECT $1::int + 1 AS next';
    const first = await sql.query(text, [1]);
    const second = await sql.query(text, [41]);

    expect(first.rows).toEqual([{ next: 2 }]);
    expect(second.rows).toEqual([{ next: 42 }]);
    expect((await preparedTexts()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('keeps at most the configured number prepared, closing the least recently used', async () => {
    for (const n of [1, 2, 3, 4]) await sql.query(`SELECT ${n} AS n`);
    const held = await preparedTexts();

    expect(held).toHaveLength(3);
    expect(held).not.toContain('SELECT 1 AS n');
    expect(held).not.toContain('SELECT 2 AS n');
    expect((await sql.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  });

  it('prepares a statement again when its table changed shape, and answers with the new columns', async () => {
    await sql.exec('CREATE TABLE shape (a INTEGER); INSERT INTO shape VALUES (1)');
    expect((await sql.query('SELECT * FROM shape')).rows).toEqual([{ a: 1 }]);
    await sql.exec('ALTER TABLE shape ADD COLUMN b TEXT DEFAULT $$x$$');

    expect((await sql.query('SELECT * FROM shape')).rows).toEqual([{ a: 1, b: 'x' }]);
  });

  it('throws a syntax error with its SQLSTATE, without the parameters, and keeps working', async () => {
    const error = await sql.query('SELEC $1::text', ['secret']).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: '42601' });
    expect(JSON.stringify(error)).not.toContain('secret');
    expect((await preparedTexts()).some((text) => text.startsWith('SELEC '))).toBe(false);
    expect((await sql.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('keeps a statement prepared when only its parameters were refused', async () => {
    const text = 'SELECT $1::int AS n';
    const refused = await sql.query(text, ['not a number']).catch((e: unknown) => e);
    const answered = await sql.query(text, ['7']);

    expect(refused).toMatchObject({ code: '22P02' });
    expect(answered.rows).toEqual([{ n: 7 }]);
    expect((await preparedTexts()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('sends arrays as literals: quotes, backslashes, NULL, nesting and bytes survive', async () => {
    const texts = ['a"b', 'c\\d', '{e,f}', '', null, 'NULL'];
    const { rows } = await sql.query<{ texts: unknown; grid: unknown; bytes: unknown }>(
      `SELECT $1::text[] AS texts, $2::int[][] AS grid,
              encode(($3::bytea[])[1], 'hex') AS bytes`,
      [
        texts,
        [
          [1, 2],
          [3, null],
        ],
        [Buffer.from([0, 255, 16])],
      ],
    );

    expect(rows).toEqual([
      {
        texts,
        grid: [
          [1, 2],
          [3, null],
        ],
        bytes: '00ff10',
      },
    ]);
  });

  it('sends byte arrays as bytea, booleans and bigints as text', async () => {
    const { rows } = await sql.query<{ hex: string; yes: boolean; big: bigint }>(
      `SELECT encode($1::bytea, 'hex') AS hex, $2::boolean AS yes, $3::bigint AS big`,
      [Buffer.from('dh'), false, BigInt('9007199254740993')],
    );

    expect(rows).toEqual([{ hex: '6468', yes: false, big: BigInt('9007199254740993') }]);
  });

  it('never runs a statement inside a transaction another caller has open', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO t (a) VALUES ($1)', ['in transaction']);
      inserted();
      await held;
      throw new Error('roll back');
    });
    await insertDone;
    let counted: number | undefined;
    const outside = sql
      .query<{ n: number }>('SELECT count(*) AS n FROM t WHERE a = $1', ['in transaction'])
      .then(({ rows }) => (counted = rows[0].n));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const whileOpen = counted;
    release();
    await expect(transaction).rejects.toThrow('roll back');
    await outside;

    expect(whileOpen).toBeUndefined();
    expect(counted).toBe(0);
  });
});

describe('PGlite checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The log position of the last checkpoint's redo point, and the log's current end. */
  async function logPositions(sql: SqlClient): Promise<{ redo: bigint; end: bigint }> {
    const { rows } = await sql.query<{ redo: string; end: string }>(
      `SELECT (redo_lsn - '0/0')::text AS redo, (pg_current_wal_lsn() - '0/0')::text AS "end"
         FROM pg_control_checkpoint()`,
    );
    return { redo: BigInt(rows[0].redo), end: BigInt(rows[0].end) };
  }

  /**
   * About `mib` MiB of log: rows of 1 KiB, 256 per statement. Between statements the event loop
   * turns, as it does between the requests a server handles (PGlite's calls alone never yield).
   */
  async function writeLog(sql: SqlClient, mib: number): Promise<void> {
    await sql.exec('CREATE TABLE IF NOT EXISTS filler (id BIGSERIAL PRIMARY KEY, body TEXT)');
    for (let i = 0; i < mib * 4; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      await sql.query(
        'INSERT INTO filler (body) SELECT repeat($1, 1024) FROM generate_series(1, 256)',
        ['x'],
      );
    }
  }

  const policy = (walBytes: number) => ({ walBytes, maxIntervalMs: 3_600_000, checkEveryMs: 20 });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('checkpoints once the log grew by the policy’s size, and counts it', async () => {
    const metrics = new Registry();
    const sql = await openPglite(undefined, { checkpoints: policy(2 * 1024 * 1024), metrics });
    try {
      const before = await logPositions(sql);
      await writeLog(sql, 4);
      await settle();
      const after = await logPositions(sql);

      expect(after.redo).toBeGreaterThan(before.redo);
      expect(after.end - after.redo).toBeLessThan(2n * 1024n * 1024n);
      const text = await metrics.metrics();
      const count = (result: string) => {
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`dh_db_checkpoint_duration_seconds_count{result="${result}"}`));
        return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      expect(count('ok')).toBeGreaterThanOrEqual(1);
      expect(count('error')).toBe(0);
    } finally {
      await sql.close();
    }
  });

  it('leaves the log alone below that size', async () => {
    const sql = await openPglite(undefined, { checkpoints: policy(1024 * 1024 * 1024) });
    try {
      const before = await logPositions(sql);
      await writeLog(sql, 2);
      await settle();
      const after = await logPositions(sql);

      expect(after.redo).toBe(before.redo);
      expect(after.end - before.end).toBeGreaterThan(1024n * 1024n);
    } finally {
      await sql.close();
    }
  });

  it('leaves a checkpoint behind when closed (PGlite writes it), so the next start replays no log', async () => {
    const dataDir = join(dir, 'close');
    const first = await openPglite(dataDir, { checkpoints: policy(1024 * 1024 * 1024) });
    await writeLog(first, 2);
    const written = await logPositions(first);
    await first.close();

    const second = await openPglite(dataDir);
    try {
      expect((await logPositions(second)).redo).toBeGreaterThanOrEqual(written.end);
    } finally {
      await second.close();
    }
  });

  it('keeps pg_wal from growing with the log when it checkpoints', async () => {
    const dataDir = join(dir, 'bounded');
    const logFiles = () =>
      readdirSync(join(dataDir, 'pg_wal')).filter((name) => /^[0-9A-F]{24}$/.test(name)).length;
    const sql = await openPglite(dataDir, { checkpoints: policy(4 * 1024 * 1024) });
    try {
      await writeLog(sql, 192);
      await settle();

      // That much log fills 15+ files of 16 MB without checkpoints. With them PostgreSQL reuses
      // the old files, keeping min_wal_size's 80 MB (5 files) ready ahead of the current one.
      expect(logFiles()).toBeLessThanOrEqual(10);
    } finally {
      await sql.close();
    }
  });

  it('counts a checkpoint that failed, reports it, and tries again at the next look', async () => {
    const failure = new Error('No space left on device');
    let attempts = 0;
    const db = {
      query: async () => ({ rows: [{ since: String(512 * 1024 * 1024) }] }),
      exec: async () => {
        attempts += 1;
        throw failure;
      },
    };
    const metrics = new Registry();
    const reported: unknown[] = [];
    const { Histogram } = await import('prom-client');
    const histogram = new Histogram({
      name: 'checkpoints_under_test',
      help: 'test',
      labelNames: ['result'],
      registers: [metrics],
    });
    const checkpoints = new WalCheckpoints(
      db as never,
      { walBytes: 128 * 1024 * 1024, maxIntervalMs: 3_600_000, checkEveryMs: 20 },
      histogram,
      (error) => reported.push(error),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 110));
    } finally {
      await checkpoints.stop();
    }

    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(reported[0]).toBe(failure);
    expect(reported).toHaveLength(attempts);
    expect(await metrics.metrics()).toContain(
      `checkpoints_under_test_count{result="error"} ${attempts}`,
    );
  });
});
