import type { JobSpec, RequestJob, RequestKind, RunTiming } from '../load/load.types';
import { spread } from '../report/stats';
import { availableParallelism } from 'node:os';
import { defaultPodShape, type PodShape } from '../cli-options';
import { startCluster, type RunningCluster } from '../systems/cluster.system';
import type { RunningSystem } from '../systems/system';
import { SAMPLE_DEVICE_ID } from './device';
import {
  absoluteTarget,
  aggregate,
  costRatioTarget,
  measure,
  ratioTarget,
  rotate,
} from './measure';
import { requesterSpecs } from './round-trip.scenario';
import type { BenchContext, Measurement, ScenarioResult, TargetCheck } from './scenario.types';
import { scrapeCounters } from './pod-metrics';
import { scaleOut } from './scale-out';
import { SystemSet } from './systems';
import { describeMachine, describePauses, describeRequestTimes } from './thread-pauses';

const ACTIONS: RequestKind[] = ['server/info', 'device/get', 'notification/insert'];
/** What the cluster is made of, for the report. */
function topology(pods: PodShape): string {
  return `${pods.brokers} broker pod${pods.brokers === 1 ? '' : 's'} + ${pods.gateways} gateway${pods.gateways === 1 ? '' : 's'} + Redis + Kafka + PostgreSQL`;
}
const MAX = 'insert max (closed loop)';
const EMBEDDED = 'dh-mqtt';
const CLUSTER = 'cluster';
/** Unmeasured closed-loop inserts on each system before the first measurement. */
const WARM_UP: RunTiming = { warmupMs: 0, durationMs: 20_000, drainMs: 3_000 };
/** The closed-loop insert maximum: clients inserting, requests outstanding per client. */
const INSERT_MAX = { devices: 16, window: 8 } as const;

/** Gateway counters read around each cluster measurement (summed over label sets and pods). */
const GATEWAY_WORK = {
  statements: 'dh_db_statement_duration_seconds_count',
  actions: 'dh_gateway_actions_total',
} as const;
type GatewayWork = Record<keyof typeof GATEWAY_WORK, number>;

/**
 * SQL statements the gateways sent per action they answered, over the whole measurement (warm-up,
 * window, drain); null without gateways or answers.
 */
function statementsPerAction(before: GatewayWork[], after: GatewayWork[]): number | null {
  const delta = (key: keyof GatewayWork) =>
    after.reduce((sum, counts, i) => sum + counts[key] - before[i][key], 0);
  const actions = delta('actions');
  return actions > 0 ? Math.round((delta('statements') / actions) * 100) / 100 : null;
}

/** The smoke leaves the cluster out unless asked: Kafka and the pods take ~1 min to start. */
export const SMOKE_CLUSTER_ENV = 'DH_BENCH_SMOKE_CLUSTER';

interface Target {
  system: RunningSystem;
  /** Broker URLs the clients are spread over (one for the embedded process). */
  urls: readonly string[];
}

/**
 * Scenario 5, cluster: the round trips of scenario 2 and the telemetry of scenario 3 through
 * broker pods + gateways (`--pods`, default one of each per two cores) + Redis + Kafka + PostgreSQL,
 * in the same run as the embedded process (alternated every round), clients spread over the broker
 * pods. Reports the ratio
 * cluster / embedded and the cluster's p99 at 50 % of its own maximum.
 */
export async function clusterScenario(ctx: BenchContext): Promise<ScenarioResult> {
  if (ctx.smoke && !process.env[SMOKE_CLUSTER_ENV]) {
    const reason = `left out of --smoke (Kafka and the pods take ~1 min to start): set ${SMOKE_CLUSTER_ENV}=1 to include it`;
    ctx.log(`cluster: ${reason}`);
    return notRun(reason);
  }
  const levels = ctx.smoke ? [2] : [1, 10, 100];
  const loadLevels = ctx.smoke ? [50] : (ctx.levels ?? [25, 50, 80]);
  const rtTiming: RunTiming = ctx.smoke
    ? { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 }
    : { warmupMs: 1_000, durationMs: 5_000, drainMs: 3_000 };
  const tm = ctx.smoke
    ? { devices: 2, window: 2, timing: { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 } }
    : { ...INSERT_MAX, timing: { warmupMs: 2_000, durationMs: 6_000, drainMs: 3_000 } };
  if (ctx.brokerPods) return scaleOut(ctx, ctx.brokerPods);
  const pods = ctx.pods ?? defaultPodShape(availableParallelism());
  const systems = await SystemSet.start(ctx, [EMBEDDED]);
  let cluster: RunningCluster;
  try {
    cluster = await startCluster(ctx.log, pods, ctx.cpuProfDir);
  } catch (err) {
    await systems.stop();
    throw err;
  }
  const targets: Record<string, Target> = {
    [EMBEDDED]: { system: systems.get(EMBEDDED), urls: [systems.get(EMBEDDED).url] },
    [CLUSTER]: { system: cluster.system, urls: cluster.urls },
  };
  const order = [EMBEDDED, CLUSTER];
  const wanted = (variant: string) => !ctx.only || ctx.only.some((part) => variant.includes(part));
  const measurements: Measurement[] = [];
  const run = async (
    round: number,
    key: string,
    variant: string,
    base: Omit<RequestJob, 'clients' | 'clientIdPrefix' | 'url'>,
    clients: number,
    timing: RunTiming,
    ratePerSec = 0,
  ) => {
    const { system, urls } = targets[key];
    const specs = spreadSpecs(base, clients, urls, `cl-${key}-${measurements.length}`);
    const gateways =
      key === CLUSTER ? cluster.pods.filter((p) => p.name.startsWith('gateway')) : [];
    const scrapeGateways = () => Promise.all(gateways.map((p) => scrapeCounters(p, GATEWAY_WORK)));
    const before = await scrapeGateways();
    const m = await measure({
      round,
      variant,
      system,
      specs: specs.map((spec) => ({ ...spec, ratePerSec: ratePerSec / specs.length })),
      timing,
      lossAgainst: 'sent',
      // Successful replies only: an error reply (429, 503) is counted in `errors`, never served.
      rate: 'acked',
      // Kafka, Redis, PostgreSQL, and each pod apart (the broker/gateway split of docs/scaling.md).
      meters:
        key === CLUSTER
          ? {
              ...cluster.services,
              ...Object.fromEntries(cluster.pods.map((pod) => [pod.name, () => [pod.pid]])),
            }
          : undefined,
      pauseUrls:
        key === CLUSTER
          ? Object.fromEntries(cluster.pods.map((pod) => [pod.name, pod.metricsUrl]))
          : undefined,
    });
    const after = await scrapeGateways();
    const sql = statementsPerAction(before, after);
    if (sql !== null) m.extra = { ...m.extra, sqlStatementsPerAction: sql };
    const push = m.pushes ? `, push p99 ${m.pushes.latencyMs.p99} ms` : '';
    const services = m.cpuUsPerMsgOf
      ? `; µs/msg pods ${m.cpuUsPerMsg}, ${Object.entries(m.cpuUsPerMsgOf)
          .map(([name, us]) => `${name} ${us}`)
          .join(', ')}`
      : `; µs/msg ${m.cpuUsPerMsg}`;
    const errors = m.errors ? `, ${m.errors} error replies` : '';
    const writes = m.writesPerMsgOf
      ? `; writes/msg ${Object.entries(m.writesPerMsgOf)
          .map(([name, calls]) => `${name} ${calls ?? '–'}`)
          .join(', ')}`
      : m.writesPerMsg != null
        ? `; writes/msg ${m.writesPerMsg}`
        : '';
    const bytes = m.bytesWrittenPerMsgOf
      ? `; bytes written/msg ${Object.entries(m.bytesWrittenPerMsgOf)
          .map(([name, count]) => `${name} ${count ?? '–'}`)
          .join(', ')}`
      : '';
    const statements = sql === null ? '' : `; SQL statements per action ${sql}`;
    const pauses = m.podPauses
      ? `; pauses: ${Object.entries(m.podPauses)
          .map(
            ([pod, p]) =>
              `${pod} lag max ${p.lagMaxMs} ms, GC ${p.gcMs} ms${describeRequestTimes(p)}`,
          )
          .join(', ')}`
      : m.threadPauses
        ? `; pauses: ${describePauses(m.threadPauses)}`
        : '';
    const machine = m.machine ? `; machine: ${describeMachine(m.machine)}` : '';
    ctx.log(
      `  cluster r${round} ${key} ${variant}: ${m.perSec}/s p99 ${m.latencyMs.p99} ms${push}${errors}${services}, generators ${m.generatorCpuUsPerMsg ?? '–'}${writes}${bytes}${statements}${pauses}${machine}`,
    );
    measurements.push(m);
    return m;
  };
  const requestBase = (request: RequestKind, subscribePushes: boolean, window: number) =>
    requestJob(targets[EMBEDDED].system.credentials, request, subscribePushes, window);
  try {
    if (!ctx.smoke) {
      for (const key of order) await warmUp(ctx, targets[key].system, targets[key].urls, key);
    }
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const clients of levels) {
        for (const request of ACTIONS) {
          if (!wanted(`${request} ×${clients}`)) continue;
          for (const key of rotate(order, round)) {
            const base = requestBase(request, false, 1);
            await run(round, key, `${request} ×${clients}`, base, clients, rtTiming);
          }
        }
      }
    }
    const maxima: Record<string, number[]> = { [EMBEDDED]: [], [CLUSTER]: [] };
    const insertBase = requestBase('notification/insert', true, tm.window);
    for (let round = 0; round < ctx.rounds && wanted(MAX); round += 1) {
      for (const key of rotate(order, round)) {
        maxima[key].push((await run(round, key, MAX, insertBase, tm.devices, tm.timing)).perSec);
      }
    }
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const pct of rotate(loadLevels, round)) {
        if (!wanted(MAX) || !wanted(`insert ${pct}% of max`)) continue;
        for (const key of rotate(order, round)) {
          const rate = Math.max(1, Math.round((spread(maxima[key]).median * pct) / 100));
          const paced = requestBase('notification/insert', true, 1);
          await run(round, key, `insert ${pct}% of max`, paced, tm.devices, tm.timing, rate);
        }
      }
    }
  } finally {
    await cluster.system.stop();
    await systems.stop();
  }
  const top = levels[levels.length - 1];
  return {
    scenario: 'cluster',
    loadShape: {
      topology: topology(pods),
      clients: `${levels.join(', ')}; cluster: split evenly over the broker pods (1 client: first pod)`,
      loop: 'round trips: closed, one request outstanding per client, QoS 0',
      actions: ACTIONS.join(', '),
      telemetry: `${tm.devices} clients inserting, ${tm.window} outstanding each at the max, then ${loadLevels.join('/')} % of each system's own median max, paced; one QoS 1 push subscriber per generator`,
      order: 'embedded and cluster alternated per run, order rotated every round',
      warmUp: `${WARM_UP.durationMs / 1000} s of unmeasured closed-loop inserts on each system first`,
      warmupMs: rtTiming.warmupMs,
      durationMs: rtTiming.durationMs,
      rounds: ctx.rounds,
    },
    systems: {
      ...systems.describe().systems,
      [CLUSTER]: { version: cluster.system.version, settings: cluster.system.settings },
    },
    unavailable: [],
    measurements,
    rows: aggregate(measurements),
    targets: [
      ...ACTIONS.map((action) => ratio(measurements, `${action} ×${top}`)),
      ratio(measurements, MAX),
      ...ACTIONS.map((action) => costRatio(measurements, `${action} ×${top}`)),
      costRatio(measurements, MAX),
      costRatio(measurements, 'insert 25% of max'),
      p99At50(measurements, 'request', (m) => m.latencyMs.p99),
      p99At50(measurements, 'publish→push', (m) => m.pushes?.latencyMs.p99 ?? Infinity),
    ],
    notes: [
      `cluster / embedded throughput, medians of per-round ratios: ${ratioSummary(measurements)}`,
      `broker CPU µs/msg of the cluster is summed over its ${pods.brokers + pods.gateways} pods; Kafka, Redis and PostgreSQL per message are in cpuUsPerMsgOf of each measurement (and the log)`,
      'throughput counts successful replies only; DH_REQUEST_RATE=0 on both systems (the closed loops exceed the default per-client limit)',
    ],
  };
}

/**
 * Unmeasured closed-loop inserts (the insert maximum's load) on `system`, clients spread over
 * `urls`. A fresh cluster runs cold for a while (four pods' and Kafka's JIT, pools): its first
 * minute of inserts measured about half the throughput of a warm one.
 */
export async function warmUp(
  ctx: BenchContext,
  system: RunningSystem,
  urls: readonly string[],
  name: string,
): Promise<void> {
  const base = requestJob(system.credentials, 'notification/insert', true, INSERT_MAX.window);
  const m = await measure({
    round: -1,
    variant: 'warm-up',
    system,
    specs: spreadSpecs(base, INSERT_MAX.devices, urls, `warm-${name}`),
    timing: WARM_UP,
    lossAgainst: 'sent',
    rate: 'acked',
  });
  ctx.log(`  warm-up ${name}: ${m.perSec}/s inserts (not counted)`);
}

/** A request job of `request` for the bench's device, unpaced (the callers set a rate). */
export function requestJob(
  credentials: RequestJob['credentials'],
  request: RequestKind,
  subscribePushes: boolean,
  window: number,
): Omit<RequestJob, 'clients' | 'clientIdPrefix' | 'url'> {
  return {
    kind: 'requests',
    credentials,
    request,
    deviceId: SAMPLE_DEVICE_ID,
    window,
    ratePerSec: 0,
    subscribePushes,
  };
}

/** Request specs of `clients` clients split evenly over `urls`, each share its own generators. */
export function spreadSpecs(
  base: Omit<RequestJob, 'clients' | 'clientIdPrefix' | 'url'>,
  clients: number,
  urls: readonly string[],
  prefix: string,
): JobSpec[] {
  return urls.flatMap((url, i) => {
    const share = Math.floor(clients / urls.length) + (i < clients % urls.length ? 1 : 0);
    return share ? requesterSpecs({ ...base, url }, share, `${prefix}-b${i}`) : [];
  });
}

/**
 * The cluster's throughput over the embedded process's on the same machine: issue 12's targets
 * (0.6 for `server/info` ×100, 0.5 for inserts ×100 and the insert maximum); 0.3 for the rest.
 */
const THROUGHPUT_TARGETS: Record<string, number> = {
  'server/info ×100': 0.6,
  'notification/insert ×100': 0.5,
  [MAX]: 0.5,
};

function ratio(measurements: readonly Measurement[], variant: string): TargetCheck {
  return ratioTarget(
    measurements,
    `cluster / embedded ${variant}`,
    { variant, system: CLUSTER },
    { variant, system: EMBEDDED },
    THROUGHPUT_TARGETS[variant] ?? 0.3,
  );
}

/**
 * The pods' CPU per message over the embedded process's (Kafka, Redis and PostgreSQL printed
 * apart): issue 12's targets, 2× for `server/info` ×100, inserts ×100 and the maximum, 3× at a
 * quarter of the maximum; 2× for the other rows.
 */
function costRatio(measurements: readonly Measurement[], variant: string): TargetCheck {
  return costRatioTarget(
    measurements,
    `cluster pods / embedded CPU per message, ${variant}`,
    { variant, system: CLUSTER },
    { variant, system: EMBEDDED },
    variant === 'insert 25% of max' ? 3 : 2,
  );
}

function p99At50(
  measurements: readonly Measurement[],
  what: string,
  pick: (m: Measurement) => number | null,
): TargetCheck {
  const values = measurements
    .filter((m) => m.system === CLUSTER && m.variant === 'insert 50% of max')
    .map((m) => pick(m) ?? Infinity);
  return absoluteTarget(
    `cluster ${what} p99 at 50% of its max`,
    values,
    '<=',
    20,
    'ms',
    'notification/insert, paced at half the cluster’s own closed-loop maximum',
  );
}

function ratioSummary(measurements: readonly Measurement[]): string {
  const variants = [...new Set(measurements.map((m) => m.variant))];
  return variants
    .map((variant) => {
      const check = ratio(measurements, variant);
      return `${variant} ${check.value ? check.value.median.toFixed(2) : '–'}`;
    })
    .join('; ');
}

function notRun(reason: string): ScenarioResult {
  const open = (name: string, target: string): TargetCheck => ({
    name,
    target,
    value: null,
    met: null,
    note: 'not run',
  });
  return {
    scenario: 'cluster',
    loadShape: { topology: 'not run' },
    systems: {},
    unavailable: [{ name: 'cluster', reason }],
    measurements: [],
    rows: [],
    targets: [
      open('cluster request throughput / embedded', '≥ 0.5×'),
      open('cluster pods / embedded CPU per message', '≤ 2×'),
      open('cluster p99 at 50% load', '≤ 20 ms'),
    ],
    notes: [],
  };
}
