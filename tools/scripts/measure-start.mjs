#!/usr/bin/env node
// `npm run measure:start`: how fast the embedded process starts and how much memory it holds.
// Builds the standalone (incrementally, as `npm start` does), then starts it on a fresh data
// directory (cold: the database is created) and three more times on the same one (warm), each on
// free ports, and prints per start: milliseconds from spawn until the MQTT port accepts a TCP
// connection, and 2 s later the resident memory, V8's heap and the external memory (PGlite's
// WebAssembly memory) from the process's own /metrics. `--runs N` changes the warm count.
// `--clients N` (default 1,000; 0 = none): after the last warm start, N idle MQTT clients connect
// (anonymous sessions, clean, keep-alive 60 s) and the memory is read again 3 s after the last
// CONNACK.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/process-utils.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runsAt = process.argv.indexOf('--runs');
const warmRuns = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const clientsAt = process.argv.indexOf('--clients');
const idleClients = clientsAt > 0 ? Number(process.argv[clientsAt + 1]) : 1_000;
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

/** Connects `count` idle MQTT clients, 50 connects in flight; resolves with them. */
async function connectIdle(port, count) {
  const { connectAsync } = await import('mqtt');
  const clients = [];
  for (let next = 0; next < count; next += 50) {
    const batch = Array.from({ length: Math.min(50, count - next) }, (_, i) =>
      connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: `idle-${next + i}`,
        keepalive: 60,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      }),
    );
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

async function memoryLine(http) {
  const rss = await metric(http, 'process_resident_memory_bytes');
  const heap = await metric(http, 'nodejs_heap_size_used_bytes');
  const external = await metric(http, 'nodejs_external_memory_bytes');
  return {
    rss,
    text: `RSS ${(rss / MiB).toFixed(0)} MiB (V8 heap used ${(heap / MiB).toFixed(0)} MiB, external ${(external / MiB).toFixed(0)} MiB)`,
  };
}

async function start(label, clients = 0) {
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
    const idle = await memoryLine(http);
    process.stdout.write(
      `${label.padEnd(6)} accepting MQTT after ${ms.toFixed(0).padStart(5)} ms; 2 s later ${idle.text}\n`,
    );
    if (clients > 0) {
      const connected = await connectIdle(mqtt, clients);
      await new Promise((r) => setTimeout(r, 3_000));
      const loaded = await memoryLine(http);
      const perClient = (loaded.rss - idle.rss) / clients / 1024;
      process.stdout.write(
        `${''.padEnd(6)} with ${clients} idle MQTT clients: ${loaded.text}, ${perClient.toFixed(1)} KiB per client\n`,
      );
      await Promise.all(connected.map((client) => client.endAsync(true)));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

try {
  await start('cold');
  for (let i = 1; i <= warmRuns; i += 1) {
    await start(`warm ${i}`, i === warmRuns ? idleClients : 0);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
