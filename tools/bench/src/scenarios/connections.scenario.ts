import type { JobSpec } from '../load/load.types';
import { WorkerPool } from '../load/worker-pool';
import { sleep } from '../load/mqtt-client';
import { absoluteTarget, measure } from './measure';
import { openFilesLimit, rssBytes } from '../systems/proc-stat';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';
import { SystemSet } from './systems';

/** Connections per generator process (each has its own open-files limit). */
const PER_WORKER = 5_000;
/** File descriptors the broker needs besides client sockets (listeners, PGlite, stdio). */
const BROKER_FD_RESERVE = 200;

/**
 * Scenario 4, connections: idle authenticated connections (each one a DeviceHive login) opened
 * in steps on one embedded process. Per step: connect rate, broker RSS growth per connection
 * after a settle pause, and the publish → deliver latency of a paced probe while they are open.
 */
export async function connectionsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const wanted = ctx.smoke ? [20, 50] : [1_000, 5_000, 10_000, 20_000];
  const settleMs = ctx.smoke ? 300 : 3_000;
  const systems = await SystemSet.start(ctx, ['dh-mqtt']);
  const system = systems.get('dh-mqtt');
  const fdLimit = openFilesLimit(system.pid);
  const cap = fdLimit - BROKER_FD_RESERVE;
  const steps = [...new Set(wanted.map((n) => Math.min(n, cap)))];
  const notes: string[] = [];
  if (steps[steps.length - 1] < wanted[wanted.length - 1]) {
    notes.push(
      `the broker process may open ${fdLimit} files (ulimit -n, hard limit here): steps capped at ${cap}`,
    );
  }
  const workers = Math.max(1, Math.ceil(steps[steps.length - 1] / PER_WORKER));
  const spec: JobSpec = {
    kind: 'connections',
    url: system.url,
    credentials: system.credentials,
    clientIdPrefix: 'conn',
    concurrency: ctx.smoke ? 5 : 25,
  };
  const measurements: Measurement[] = [];
  const memory: number[] = [];
  let pool: WorkerPool | undefined;
  try {
    await sleep(settleMs);
    const baseline = rssBytes(system.pid);
    const generators = await WorkerPool.start(Array.from({ length: workers }, () => spec));
    pool = generators;
    let open = 0;
    let previous = { open: 0, rss: baseline };
    for (const target of steps) {
      const add = target - open;
      const shares = Array.from(
        { length: workers },
        (_, i) => Math.floor(add / workers) + (i < add % workers ? 1 : 0),
      );
      const started = performance.now();
      const results = await Promise.all(shares.map((n, i) => generators.connect(i, n)));
      const elapsedSec = (performance.now() - started) / 1000;
      const connected = results.reduce((n, r) => n + r.connected, 0);
      const failed = results.reduce((n, r) => n + r.failed, 0);
      open += connected;
      await sleep(settleMs);
      const rss = rssBytes(system.pid);
      const bytesPerConnection = Math.round((rss - baseline) / open);
      // PGlite dominates the RSS and returns memory at random times: the growth between two
      // steps divided by the connections added is steadier than the growth over the baseline.
      const marginalBytes = Math.round((rss - previous.rss) / Math.max(1, open - previous.open));
      previous = { open, rss };
      memory.push(marginalBytes);
      const probe = await measure({
        round: 0,
        variant: `${open} connections`,
        system,
        specs: [
          {
            kind: 'pubsub',
            url: system.url,
            credentials: system.credentials,
            pairs: 1,
            qos: 0,
            window: 1,
            ratePerSec: ctx.smoke ? 100 : 500,
            payloadBytes: 64,
            topicPrefix: `bench/conn/${open}`,
          },
        ],
        timing: ctx.smoke
          ? { warmupMs: 100, durationMs: 700, drainMs: 1_000 }
          : { warmupMs: 500, durationMs: 3_000, drainMs: 2_000 },
      });
      const m: Measurement = {
        ...probe,
        perSec: Math.round(connected / elapsedSec),
        errors: failed,
        errorSample: results.find((r) => r.firstError)?.firstError,
        extra: {
          connections: open,
          rssMiB: Math.round(rss / 2 ** 20),
          bytesPerConnection,
          marginalBytesPerConnection: marginalBytes,
        },
      };
      ctx.log(
        `  connections ${open}: ${m.perSec} connects/s, ${(marginalBytes / 1024).toFixed(1)} KB each since the last step, probe p99 ${m.latencyMs.p99} ms`,
      );
      measurements.push(m);
      if (failed) {
        notes.push(
          `step ${target}: ${failed} connects failed (${m.errorSample}); stopped stepping`,
        );
        break;
      }
    }
  } finally {
    await pool?.close();
    await systems.stop();
  }
  const last = measurements[measurements.length - 1];
  return {
    scenario: 'connections',
    loadShape: {
      steps: steps.join(', '),
      clients: 'idle, clean session, keep-alive 600 s, each CONNECT logs in as dhadmin',
      generators: `${workers} processes, ${spec.concurrency} connects in flight each`,
      memory: `broker RSS growth since the previous step (and over the idle baseline) after ${settleMs} ms settle ÷ connections`,
      probe: 'QoS 0 publish → deliver, 1 pair, paced, payload 64 B, while the connections are open',
      rounds: 1,
    },
    ...systems.describe(),
    measurements,
    rows: measurements.map((m) => ({
      variant: m.variant,
      system: m.system,
      perSec: { median: m.perSec, min: m.perSec, max: m.perSec, rounds: [m.perSec] },
      p50: m.latencyMs.p50,
      p99: m.latencyMs.p99,
      loss: m.loss,
      errors: m.errors,
      cpuUsPerMsg: m.cpuUsPerMsg,
      note: `RSS ${m.extra?.rssMiB} MiB; per connection ${kb(m.extra?.marginalBytesPerConnection)} KB since the previous step, ${kb(m.extra?.bytesPerConnection)} KB over the idle baseline`,
    })),
    targets: [
      absoluteTarget(
        `broker memory per idle authenticated connection at ${last?.extra?.connections ?? '–'}`,
        last ? [Math.round((memory[memory.length - 1] ?? 0) / 102.4) / 10] : [],
        '<=',
        10,
        'KB',
        'RSS growth since the previous step ÷ connections added',
      ),
    ],
    notes: [...notes, 'the /s column is connects per second; the latencies are the probe’s'],
  };
}

function kb(bytes: unknown): string {
  return typeof bytes === 'number' ? (bytes / 1024).toFixed(2) : '–';
}
