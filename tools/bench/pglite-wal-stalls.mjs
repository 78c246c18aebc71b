#!/usr/bin/env node
// The longest statements of a steady insert load on the embedded database, with PostgreSQL's
// default `wal_init_zero=on` against the product's `off` (libs/devicehive/src/storage/
// pglite-client.ts, PGLITE_SETTINGS). Each variant gets a fresh data directory with the product's
// schema, opened with the product's settings (only wal_init_zero differs), and runs the
// group-committed `notification/insert` statement in batches of 16 rows. Prints rows/s, the
// longest statement, how many took over 15 ms, and the WAL files the run left
// (docs/performance.md §3).
//   node tools/bench/pglite-wal-stalls.mjs [rows per variant, default 400000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rows = Number(process.argv[2] ?? 400_000);
const BATCH = 16;
const SLOW_MS = 15;
const built = spawnSync(
  process.execPath,
  [join(root, 'tools/scripts/build.mjs'), '--out', 'dist/bench', 'libs'],
  { cwd: root, stdio: 'inherit' },
);
if (built.status !== 0) process.exit(built.status ?? 1);

const require = createRequire(import.meta.url);
require('reflect-metadata');
const lib = (path) => require(join(root, 'dist/bench/libs/devicehive/src', path));
const { openStorage } = lib('storage/open-storage.js');
const { PGLITE_SETTINGS } = lib('storage/pglite-client.js');
const { insertNotifications } = lib('repositories/notification.repository.js');
const { toSqlParams } = lib('storage/sql-types.js');
const { PGlite } = await import('@electric-sql/pglite');

const walFiles = (dir) => readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));

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
    const { rows: devices } = await sql.query(
      'SELECT id, network_id, device_type_id FROM dh_device ORDER BY id LIMIT 1',
    );
    const device = devices[0];
    const filesBefore = walFiles(dir).length;
    let worst = 0;
    let slow = 0;
    const start = performance.now();
    for (let i = 0; i < rows / BATCH; i += 1) {
      const batch = Array.from({ length: BATCH }, (_, k) => ({
        notification: `temperature-${k}`,
        deviceId: device.id,
        networkId: Number(device.network_id),
        deviceTypeId: Number(device.device_type_id),
        timestamp: new Date(),
        parameters: { t: Date.now(), i: i * BATCH + k, unit: 'C' },
      }));
      const began = performance.now();
      await insertNotifications(sql, batch);
      const took = performance.now() - began;
      worst = Math.max(worst, took);
      if (took > SLOW_MS) slow += 1;
    }
    const seconds = (performance.now() - start) / 1000;
    await db.close();
    return {
      walInitZero,
      rowsPerSec: Math.round(rows / seconds),
      worstMs: Math.round(worst * 10) / 10,
      slow,
      statements: Math.ceil(rows / BATCH),
      walFiles: `${filesBefore} → ${walFiles(dir).length}`,
    };
  } finally {
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
