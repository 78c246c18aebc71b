import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScenarioResult } from './scenarios/scenario.types';

const ROOT = resolve(__dirname, '../../..');

interface BenchOutput {
  environment: { cores: number; node: string };
  scenarios: ScenarioResult[];
  failures: { scenario: string; error: string }[];
}

/**
 * `npm run bench -- --smoke`, as CI runs it: every scenario with tiny loads for about a second.
 * Checks that the suite works end to end (systems start, load flows, nothing is lost), not how
 * fast anything is.
 */
describe('bench --smoke', () => {
  let dir: string;
  let output: BenchOutput;
  let log: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dh-bench-smoke-'));
    const file = join(dir, 'result.json');
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'tools/bench/run.mjs'), '--smoke', '--out', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
        // About 50 s on a quiet machine; CI runs it beside other suites on 2 cores.
        timeout: 420_000,
      },
    );
    log = `${run.stdout}\n${run.stderr}`;
    if (!existsSync(file)) {
      const why = run.error ? String(run.error) : `exit ${run.status} signal ${run.signal}`;
      throw new Error(`bench --smoke wrote no result (${why})\n${log.slice(-4000)}`);
    }
    output = JSON.parse(readFileSync(file, 'utf8')) as BenchOutput;
  }, 440_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const scenario = (name: string) => {
    const found = output.scenarios.find((s) => s.scenario === name);
    if (!found) throw new Error(`scenario ${name} missing from the result\n${log}`);
    return found;
  };

  it('runs every scenario without a failure and prints the machine', () => {
    expect(output.failures).toEqual([]);
    expect(output.environment.cores).toBeGreaterThan(0);
    expect(log).toContain('machine:');
  });

  it.each(['native', 'round-trip', 'telemetry', 'connections', 'remote'])(
    'measures %s with deliveries on every run, no loss and no errors',
    (name) => {
      const result = scenario(name);
      expect(result.measurements.length).toBeGreaterThan(0);
      for (const m of result.measurements) {
        expect({
          run: `${m.system} ${m.variant}`,
          delivered: m.perSec > 0,
          loss: m.loss,
          errors: m.errors,
        }).toEqual({
          run: `${m.system} ${m.variant}`,
          delivered: true,
          loss: 0,
          errors: 0,
        });
        expect(m.latencyMs.p50).toBeGreaterThan(0);
        expect(m.latencyMs.p99).toBeGreaterThanOrEqual(m.latencyMs.p50 ?? 0);
      }
    },
  );

  it('compares our broker with plain aedes and reports mosquitto, never silently skipping it', () => {
    const result = scenario('native');
    const systems = new Set(result.measurements.map((m) => m.system));
    expect(systems).toContain('dh-mqtt');
    expect(systems).toContain('aedes');
    const mosquitto =
      systems.has('mosquitto') || result.unavailable.some((u) => u.name === 'mosquitto');
    expect(mosquitto).toBe(true);
    expect(result.targets.map((t) => t.name)).toEqual([
      'QoS 1 throughput dh-mqtt / aedes',
      'QoS 1 throughput dh-mqtt / mosquitto',
    ]);
  });

  it('measures the round trip next to the raw echo floor', () => {
    const systems = new Set(scenario('round-trip').measurements.map((m) => m.system));
    expect([...systems].sort()).toEqual(['dh-mqtt', 'echo via aedes']);
  });

  it('reports the broker memory per connection at every step', () => {
    for (const m of scenario('connections').measurements) {
      expect(m.extra?.bytesPerConnection).toEqual(expect.any(Number));
    }
  });

  // The cluster (Kafka, Redis, PostgreSQL, 4 pods) runs in the smoke only when asked for with
  // DH_BENCH_SMOKE_CLUSTER=1: starting it takes about a minute.
  it('measures the cluster next to the embedded process, or says how to include it', () => {
    const cluster = scenario('cluster');
    if (!process.env['DH_BENCH_SMOKE_CLUSTER']) {
      expect(cluster.unavailable[0]?.reason).toContain('DH_BENCH_SMOKE_CLUSTER=1');
      return;
    }
    const systems = new Set(cluster.measurements.map((m) => m.system));
    expect([...systems].sort()).toEqual(['cluster', 'dh-mqtt']);
    for (const m of cluster.measurements) {
      expect({
        run: `${m.system} ${m.variant}`,
        delivered: m.perSec > 0,
        loss: m.loss,
        errors: m.errors,
      }).toEqual({
        run: `${m.system} ${m.variant}`,
        delivered: true,
        loss: 0,
        errors: 0,
      });
    }
    expect(cluster.targets.filter((t) => t.value === null)).toEqual([]);
  });
});
