// What a gateway's reply cache costs per request at 10 000 entries, two ways of bounding a Map
// (docs/performance.md §5): dropping the oldest entry on every insert (the cache before
// 2026-12-06: V8 leaves the deleted slots at the Map's head, and each walk to the oldest entry
// steps over them), against two generations dropped whole (the cache now).
// Run: node tools/bench/map-eviction.mjs [entries]
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const maxEntries = Number(process.argv[2] ?? 10_000);
const requests = 400_000;

function oldestFirst() {
  const entries = new Map();
  return (id, value) => {
    if (entries.has(id)) return entries.get(id);
    entries.set(id, value);
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(key);
    }
    return value;
  };
}

function twoGenerations() {
  let current = new Map();
  let previous = new Map();
  const half = Math.max(1, Math.floor(maxEntries / 2));
  return (id, value) => {
    const hit = current.get(id) ?? previous.get(id);
    if (hit !== undefined) return hit;
    if (current.size >= half) {
      previous = current;
      current = new Map();
    }
    current.set(id, value);
    return value;
  };
}

console.log(`${requests} unique request ids, at most ${maxEntries} remembered`);
for (const [name, make] of [
  ['oldest entry dropped per insert', oldestFirst],
  ['two generations', twoGenerations],
  ['oldest entry dropped per insert', oldestFirst],
  ['two generations', twoGenerations],
]) {
  // Fresh strings, as JSON.parse hands them to the gateway.
  const ids = Array.from({ length: requests }, () => JSON.parse(JSON.stringify(randomUUID())));
  const remember = make();
  const started = performance.now();
  for (const id of ids) remember(id, id);
  const us = ((performance.now() - started) * 1000) / requests;
  console.log(`${name.padEnd(32)} ${us.toFixed(2)} µs per request`);
}
