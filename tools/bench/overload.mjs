#!/usr/bin/env node
// The telemetry scenario's paced levels on a machine that loses CPU after the maximum is measured:
// a slower minute of a shared machine, made on purpose. Runs `npm run bench -- --scenario
// telemetry --rounds 1` from the given checkout; once the closed-loop maximum is printed it starts
// `--hogs` busy processes (each busy `--duty` ms of every 100 ms) and stops them when the native
// phase starts. The 25/50/80 % levels are then set from a maximum the machine no longer has, and
// their lines show what the product does with more load than it can carry: errors (429 from
// DH_MAX_PENDING_REQUESTS) or latency (its reads paused, ADR 0020). Run it on two checkouts
// (a git worktree of the older commit) in alternated pairs.
//   node tools/bench/overload.mjs [--hogs 2] [--duty 90] [--repo <checkout>] [--log <file>]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const here = dirname(new URL(import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    hogs: { type: 'string', default: '2' },
    duty: { type: 'string', default: '90' },
    repo: { type: 'string', default: resolve(here, '../..') },
    log: { type: 'string' },
  },
});
const hogs = Number(values.hogs);
const duty = Number(values.duty);
if (!(hogs >= 0) || !(duty > 0 && duty <= 100)) throw new Error('--hogs ≥ 0, 0 < --duty ≤ 100');
const log = resolve(values.log ?? `tmp/bench/overload-${Date.now()}.log`);
mkdirSync(dirname(log), { recursive: true });

const HOG = `setInterval(() => { const end = performance.now() + ${duty}; while (performance.now() < end); }, 100);`;
const bench = spawn('npm', ['run', 'bench', '--', '--scenario', 'telemetry', '--rounds', '1'], {
  cwd: values.repo,
  stdio: ['ignore', openSync(log, 'w'), 'inherit'],
});
const exited = new Promise((done) => bench.once('exit', done));
const text = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
const until = async (pattern) => {
  while (!pattern.test(text())) {
    if (bench.exitCode !== null) throw new Error(`the bench ended early; see ${log}`);
    await sleep(250);
  }
};

await until(/r0 max \(closed loop\)/);
const busy = Array.from({ length: hogs }, () =>
  spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }),
);
console.log(`maximum measured; ${hogs} busy process(es) at ${duty} % started`);
try {
  await until(/native: max/);
} finally {
  for (const child of busy) child.kill();
}
console.log('busy processes stopped; the native phase runs on a quiet machine');
await exited;
for (const line of text().split('\n')) {
  if (/^(node v|\s+telemetry r0 (max|\d+%))/.test(line)) {
    console.log(line.replace(/, CPU µs\/insert .*?errors/, ', errors').slice(0, 400));
  }
}
console.log(`full log: ${log}`);
