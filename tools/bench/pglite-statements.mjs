#!/usr/bin/env node
// What one statement costs the embedded database: the product's PGlite adapter (one call into
// PostgreSQL per statement, each SQL text prepared once; libs/devicehive/src/storage/
// pglite-statements.ts) against PGlite's own query() (six calls, parsed and planned every time),
// on the product's schema in two fresh data directories. Runs the group-committed
// `notification/insert` statement at several batch sizes and a one-row read, and prints wall time
// and CPU (user+system of this process) per statement and per row (docs/performance.md §3).
//   node tools/bench/pglite-statements.mjs [rows per batch size, default 12000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtCore } from './built-core.mjs';

const rowsPerSize = Number(process.argv[2] ?? 12_000);
const lib = builtCore();
const { openStorage } = lib('storage/open-storage.js');
const { insertNotifications } = lib('repositories/notification.repository.js');
const { toSqlParams, PG_OID, parseInt8, parseInt8Array, parseUtcTimestamp } =
  lib('storage/sql-types.js');
const { PGlite } = await import('@electric-sql/pglite');

const dirs = [];
async function migratedDir() {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-bench-'));
  dirs.push(dir);
  const sql = await openStorage({ dataDir: dir, adminPassword: 'bench-only-password' });
  await sql.close();
  return dir;
}

// The adapter, as the product opens it.
const adapter = await openStorage({ dataDir: await migratedDir() });
// PGlite's own query() on the same schema, with the same type parsers.
const plain = new PGlite(await migratedDir(), {
  parsers: {
    [PG_OID.INT8]: parseInt8,
    [PG_OID.INT8_ARRAY]: parseInt8Array,
    [PG_OID.TIMESTAMP]: parseUtcTimestamp,
  },
});
await plain.waitReady;
const viaQuery = {
  async query(text, params = []) {
    const result = await plain.query(text, toSqlParams(params));
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  },
};

const { rows: devices } = await adapter.query(
  'SELECT id, network_id, device_type_id FROM dh_device ORDER BY id LIMIT 1',
);
const device = devices[0];
const row = (i) => ({
  notification: `temperature-${i % 16}`,
  deviceId: device.id,
  networkId: Number(device.network_id),
  deviceTypeId: Number(device.device_type_id),
  timestamp: new Date(),
  parameters: { t: Date.now(), i },
});

async function measure(run, statements) {
  for (let i = 0; i < Math.min(200, statements); i += 1) await run(); // warm-up
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < statements; i += 1) await run();
  const wallUs = ((performance.now() - start) * 1000) / statements;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / statements };
}

const fmt = (n) => n.toFixed(1).padStart(8);
process.stdout.write(
  `# PGlite statements: adapter (one call, prepared once) vs PGlite query(); ${rowsPerSize} rows per size\n` +
    `${'statement'.padEnd(34)} ${'query() µs'.padStart(10)} ${'adapter µs'.padStart(10)}  cpu/stmt query() → adapter   cpu/row query() → adapter\n`,
);
for (const size of [1, 4, 16, 64]) {
  const statements = Math.max(100, Math.floor(rowsPerSize / size));
  const batch = () => Array.from({ length: size }, (_, i) => row(i));
  const before = await measure(() => insertNotifications(viaQuery, batch()), statements);
  const after = await measure(() => insertNotifications(adapter, batch()), statements);
  process.stdout.write(
    `${`notification insert, ${size} row(s)`.padEnd(34)} ${fmt(before.wallUs)}   ${fmt(after.wallUs)}  ` +
      `${fmt(before.cpuUs)} → ${fmt(after.cpuUs)}        ${fmt(before.cpuUs / size)} → ${fmt(after.cpuUs / size)}\n`,
  );
}
const read = 'SELECT id, name, network_id FROM dh_device WHERE id = $1';
const reads = Math.max(500, rowsPerSize);
const beforeRead = await measure(() => viaQuery.query(read, [device.id]), reads);
const afterRead = await measure(() => adapter.query(read, [device.id]), reads);
process.stdout.write(
  `${'device read by id'.padEnd(34)} ${fmt(beforeRead.wallUs)}   ${fmt(afterRead.wallUs)}  ` +
    `${fmt(beforeRead.cpuUs)} → ${fmt(afterRead.cpuUs)}\n`,
);

await adapter.close();
await plain.close();
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
