#!/usr/bin/env node
// The longest statements of a steady insert load on the embedded database, with PostgreSQL's
// default `wal_init_zero=on` against the product's `off` (libs/devicehive/src/storage/
// pglite-client.ts, PGLITE_SETTINGS). Each variant gets a fresh data directory with the product's
// schema, opened with the product's settings (only wal_init_zero differs), and runs the
// group-committed `notification/insert` statement in batches of 16 rows. Prints rows/s, the
// longest statement, how many took over 15 ms, and the WAL files the run left
// (docs/performance.md §3). Then the product's adapter itself (`openStorage`, which checkpoints:
// PGLITE_CHECKPOINTS) over 4× as many rows: the WAL files left and the checkpoints it wrote.
//   node tools/bench/pglite-wal-stalls.mjs [rows per variant, default 400000]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCore, require } from './built-core.mjs';

const rows = Number(process.argv[2] ?? 400_000);
const BATCH = 16;
const SLOW_MS = 15;
const lib = builtCore();
const { openStorage } = lib('storage/open-storage.js');
const { PGLITE_SETTINGS } = lib('storage/pglite-client.js');
const { insertNotifications } = lib('repositories/notification.repository.js');
const { toSqlParams } = lib('storage/sql-types.js');
const { PGlite } = await import('@electric-sql/pglite');
const { Registry } = require('prom-client');

/** The `i`-th batch of notifications for `device` (a row of dh_device). */
const batchOf = (device, i) =>
  Array.from({ length: BATCH }, (_, k) => ({
    notification: `temperature-${k}`,
    deviceId: device.id,
    networkId: Number(device.network_id),
    deviceTypeId: Number(device.device_type_id),
    timestamp: new Date(),
    parameters: { t: Date.now(), i: i * BATCH + k, unit: 'C' },
  }));

const walFiles = (dir) => readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));

/**
 * `total` rows in BATCH-row `notification/insert` statements on `sql` (a SqlClient, or anything
 * with its `query`), on the first device of the database in `dir`. The event loop turns between
 * statements, as between the requests a server handles (the product's checkpoint timer needs
 * it). Returns rows/s, the longest statement, those over SLOW_MS, and the most WAL files seen.
 */
async function insertLoad(sql, dir, total) {
  const { rows: devices } = await sql.query(
    'SELECT id, network_id, device_type_id FROM dh_device ORDER BY id LIMIT 1',
  );
  const device = devices[0];
  let worst = 0;
  let slow = 0;
  let mostFiles = 0;
  const start = performance.now();
  for (let i = 0; i < total / BATCH; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    const batch = batchOf(device, i);
    const began = performance.now();
    await insertNotifications(sql, batch);
    const took = performance.now() - began;
    worst = Math.max(worst, took);
    if (took > SLOW_MS) slow += 1;
    if (i % 1000 === 0) mostFiles = Math.max(mostFiles, walFiles(dir).length);
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    rowsPerSec: Math.round(total / seconds),
    worstMs: Math.round(worst * 10) / 10,
    slow,
    statements: Math.ceil(total / BATCH),
    mostFiles,
  };
}

async function run(walInitZero) {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-wal-'));
  try {
    const migrated = await openStorage({ dataDir: dir, adminPassword: 'bench-only-password' });
    await migrated.close();
    const settings = { ...PGLITE_SETTINGS, wal_init_zero: walInitZero };
    const db = new PGlite(dir, {
      startParams: [
        ...PGlite.defaultStartParams,
        ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
    });
    await db.waitReady;
    const sql = {
      async query(text, params = []) {
        const result = await db.query(text, toSqlParams(params));
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      },
    };
    const filesBefore = walFiles(dir).length;
    const load = await insertLoad(sql, dir, rows);
    await db.close();
    return { walInitZero, ...load, walFiles: `${filesBefore} → ${walFiles(dir).length}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The product's adapter (with its checkpoints) under the same load, `factor` × as many rows. */
async function productRun(factor) {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-wal-'));
  const metrics = new Registry();
  const sql = await openStorage({ dataDir: dir, adminPassword: 'bench-only-password', metrics });
  try {
    const load = await insertLoad(sql, dir, rows * factor);
    const text = await metrics.metrics();
    const series = (name) =>
      Number(
        /\s(\S+)$/.exec(text.split('\n').find((line) => line.startsWith(name)) ?? '')?.[1] ?? NaN,
      );
    const checkpoints = series('dh_db_checkpoint_duration_seconds_count{result="ok"}');
    const checkpointMs = series('dh_db_checkpoint_duration_seconds_sum{result="ok"}') * 1000;
    return {
      ...load,
      rows: rows * factor,
      checkpoints,
      meanCheckpointMs: checkpoints ? Math.round((checkpointMs / checkpoints) * 10) / 10 : 0,
      lastFiles: walFiles(dir).length,
    };
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const variant of ['on', 'off']) results.push(await run(variant));
console.log(`\n${rows} rows in ${BATCH}-row statements per variant`);
console.log('| wal_init_zero | rows/s | longest statement | statements over 15 ms | WAL files |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.walInitZero}${r.walInitZero === PGLITE_SETTINGS.wal_init_zero ? ' (the product)' : ''} | ${r.rowsPerSec} | ${r.worstMs} ms | ${r.slow} of ${r.statements} | ${r.walFiles} |`,
  );
}

const product = await productRun(4);
console.log(
  `\nThe product's adapter (openStorage, checkpoints by PGLITE_CHECKPOINTS), ${product.rows} rows`,
);
console.log(
  '| rows/s | longest statement | checkpoints | mean checkpoint | WAL files: most seen / at the end |',
);
console.log('| --- | --- | --- | --- | --- |');
console.log(
  `| ${product.rowsPerSec} | ${product.worstMs} ms | ${product.checkpoints} | ${product.meanCheckpointMs} ms | ${product.mostFiles} / ${product.lastFiles} |`,
);
