#!/usr/bin/env node
// Top self-time functions of a V8 .cpuprofile (from `npm run bench -- --cpu-prof <dir>`):
//   node tools/bench/profile-top.mjs <file.cpuprofile> [count] [<from>-<to>]
// Self time = samples whose top frame is the function; grouped by function, file and line.
// <from>-<to>: only the samples taken between <from> and <to> seconds before the profile ended,
// e.g. 36-30 (a pod's profile ends when the bench stops it: a variant's window is read off the
// timestamped log, docs/performance.md §5).
import { readFileSync } from 'node:fs';

const [file, count = '25', window] = process.argv.slice(2);
const windowMatch =
  window === undefined ? undefined : /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(window);
if (!file || (window !== undefined && !windowMatch)) {
  process.stderr.write('usage: profile-top.mjs <file.cpuprofile> [count] [<from>-<to>]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const deltas = profile.timeDeltas;
const selfUs = new Map();
const from = windowMatch ? profile.endTime - Number(windowMatch[1]) * 1e6 : -Infinity;
const to = windowMatch ? profile.endTime - Number(windowMatch[2]) * 1e6 : Infinity;
let sampledAt = profile.startTime;
profile.samples.forEach((id, i) => {
  sampledAt += deltas[i] ?? 0;
  if (sampledAt < from || sampledAt > to) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
});
if (windowMatch) {
  process.stdout.write(`window: ${window} s before the profile ended\n`);
}
// Percentages are of busy time: the idle samples (waiting for I/O) are left out.
for (const [id] of selfUs) if (byId.get(id).callFrame.functionName === '(idle)') selfUs.delete(id);
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const groups = new Map();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const where = url
    ? `${url.replace(/^.*node_modules\//, '').replace(/^.*dist\/bench\//, '')}:${lineNumber + 1}`
    : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  groups.set(key, (groups.get(key) ?? 0) + us);
}
const rows = [...groups].sort((a, b) => b[1] - a[1]).slice(0, Number(count));
process.stdout.write(`total ${(total / 1e6).toFixed(1)} s busy (idle excluded)\n`);
for (const [key, us] of rows) {
  process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}\n`);
}
// Self time summed per package (or our lib), to see which layer costs what.
const layers = new Map();
for (const [id, us] of selfUs) {
  const url = byId.get(id).callFrame.url;
  const match =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url) ??
    /dist\/bench\/(libs\/[^/]+|apps\/[^/]+)/.exec(url);
  const layer = match
    ? match[1]
    : url.startsWith('wasm://')
      ? 'WebAssembly (PGlite)'
      : url.startsWith('node:')
        ? 'node core'
        : url
          ? 'other'
          : 'native bindings, GC';
  layers.set(layer, (layers.get(layer) ?? 0) + us);
}
process.stdout.write('\nby layer\n');
for (const [layer, us] of [...layers].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${layer}\n`);
}
