#!/usr/bin/env node
// `npm run measure:start`: how fast the embedded process starts and how much memory it holds.
// Builds the standalone (incrementally, as `npm start` does), then starts it on a fresh data
// directory (cold: the database is created) and three more times on the same one (warm), each on
// free ports, and prints per start: milliseconds from spawn until the MQTT port accepts a TCP
// connection, and 2 s later the resident memory, V8's heap and the external memory (PGlite's
// WebAssembly memory) from the process's own /metrics. `--runs N` changes the warm count.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/process-utils.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runsAt = process.argv.indexOf('--runs');
const warmRuns = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const build = spawnSync(
  process.execPath,
  [join(root, 'tools/scripts/build.mjs'), '--out', 'dist/standalone', 'apps/standalone'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const main = join(root, 'dist/standalone/apps/standalone/src/main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'dh-measure-start-'));
const MiB = 2 ** 20;

const accepts = (port) =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });

async function metric(httpPort, name) {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

async function start(label) {
  const [mqtt, http, ws] = [await freePort(), await freePort(), await freePort()];
  const began = performance.now();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DH_DATA_DIR: dataDir,
      DH_MQTT_PORT: String(mqtt),
      DH_HTTP_PORT: String(http),
      DH_WS_PORT: String(ws),
      DH_API_PORT: 'off',
      DH_ADMIN_PASSWORD: process.env.DH_ADMIN_PASSWORD ?? 'Measure-start-1',
      DH_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  try {
    while (!(await accepts(mqtt))) {
      if (child.exitCode !== null) throw new Error(`${label}: the process exited`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - began;
    await new Promise((r) => setTimeout(r, 2_000));
    const rss = await metric(http, 'process_resident_memory_bytes');
    const heap = await metric(http, 'nodejs_heap_size_used_bytes');
    const external = await metric(http, 'nodejs_external_memory_bytes');
    // The gateway thread's heap (DH_GATEWAY_THREAD=worker, the default); absent in main mode.
    const gatewayHeap = await metric(http, 'dh_gateway_thread_heap_used_bytes');
    const thread = Number.isNaN(gatewayHeap)
      ? ''
      : `; gateway thread heap used ${(gatewayHeap / MiB).toFixed(0)} MiB`;
    process.stdout.write(
      `${label.padEnd(6)} accepting MQTT after ${ms.toFixed(0).padStart(5)} ms; 2 s later RSS ${(rss / MiB).toFixed(0)} MiB (main thread: V8 heap used ${(heap / MiB).toFixed(0)} MiB, external ${(external / MiB).toFixed(0)} MiB${thread})\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

try {
  await start('cold');
  for (let i = 1; i <= warmRuns; i += 1) await start(`warm ${i}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
