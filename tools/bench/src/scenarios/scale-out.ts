import type { RequestKind, RunTiming } from '../load/load.types';
import { startCluster, type PodInfo, type RunningCluster } from '../systems/cluster.system';
import { requestJob, spreadSpecs, warmUp } from './cluster.scenario';
import { measure } from './measure';
import { scrapeCounters } from './pod-metrics';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';

const GATEWAYS = 2;
/** Counters of a pod's `/metrics` the table reads (the Kafka ones summed over topics). */
const METRICS = {
  fabricIn: 'dh_fabric_messages_received_total',
  fabricOut: 'dh_fabric_messages_published_total',
  kafkaIn: 'dh_kafka_records_consumed_total',
  // Replies that reach the pod through its own Redis channel (ADR 0013); a Kafka-path reply is
  // already in kafkaIn.
  repliesIn: { name: 'dh_replies_received_total', label: 'path="redis"' },
  kafkaOut: 'dh_kafka_records_produced_total',
} as const;
type Counts = Record<keyof typeof METRICS, number>;

interface Load {
  variant: string;
  request: RequestKind;
  clients: number;
  subscribePushes: boolean;
  /** Paced, the same for every pod count (0 = closed loop). */
  ratePerSec: number;
}

const LOADS: Load[] = [
  {
    variant: 'server/info ×100',
    request: 'server/info',
    clients: 100,
    subscribePushes: false,
    ratePerSec: 0,
  },
  {
    variant: 'insert 200/s + pushes',
    request: 'notification/insert',
    clients: 16,
    subscribePushes: true,
    ratePerSec: 200,
  },
];

const scrape = (pod: PodInfo): Promise<Counts> => scrapeCounters(pod, METRICS);

/**
 * Scale-out (issue 12, item 4): the same loads through 1, 2, 4 … broker pods and 2 gateways.
 * Per pod: messages it read from the shared fabric, from Kafka and from its Redis reply channel
 * (its `/metrics`, before and after the run), what its clients received (replies and pushes,
 * counted by the bench, which knows which pod each client uses) and its CPU per delivered message.
 */
export async function scaleOut(ctx: BenchContext, podCounts: number[]): Promise<ScenarioResult> {
  const timing: RunTiming = ctx.smoke
    ? { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 }
    : { warmupMs: 1_000, durationMs: 6_000, drainMs: 3_000 };
  const measurements: Measurement[] = [];
  const perPod: Array<Record<string, number | string | null>> = [];
  for (const brokers of podCounts) {
    const cluster: RunningCluster = await startCluster(
      ctx.log,
      { brokers, gateways: GATEWAYS },
      ctx.cpuProfDir,
    );
    try {
      if (!ctx.smoke) await warmUp(ctx, cluster.system, cluster.urls, `${brokers} broker pods`);
      for (const load of LOADS) {
        const pods = cluster.pods;
        const before = await Promise.all(pods.map(scrape));
        const specs = spreadSpecs(
          requestJob(cluster.system.credentials, load.request, load.subscribePushes, 1),
          load.clients,
          cluster.urls,
          `so${brokers}-${measurements.length}`,
        );
        const variant = `${load.variant}, ${brokers} broker pods`;
        const m = await measure({
          round: 0,
          variant,
          system: cluster.system,
          specs: specs.map((spec) => ({ ...spec, ratePerSec: load.ratePerSec / specs.length })),
          timing,
          lossAgainst: 'sent',
          rate: 'acked',
          meters: {
            ...cluster.services,
            ...Object.fromEntries(pods.map((p) => [p.name, () => [p.pid]])),
          },
        });
        const after = await Promise.all(pods.map(scrape));
        measurements.push(m);
        ctx.log(
          `  scale-out ${variant}: ${m.perSec}/s, pods ${m.cpuUsPerMsg} µs/req, p99 ${m.latencyMs.p99} ms`,
        );
        pods.forEach((pod, i) => {
          const delta = (key: keyof Counts) => after[i][key] - before[i][key];
          const delivered = pod.url ? (m.deliveriesByUrl?.[pod.url] ?? 0) : null;
          const deliveredWholeRun = pod.url ? (m.deliveriesByUrlWholeRun?.[pod.url] ?? 0) : null;
          const cpuUs = m.cpuUsPerMsgOf?.[pod.name];
          const row = {
            pods: brokers,
            load: load.variant,
            pod: pod.name,
            fabricIn: delta('fabricIn'),
            fabricOut: delta('fabricOut'),
            kafkaIn: delta('kafkaIn'),
            repliesIn: delta('repliesIn'),
            kafkaOut: delta('kafkaOut'),
            deliveredInWindow: delivered,
            deliveredWholeRun,
            // Both over the whole run: what the pod read per message its clients received.
            inPerDelivered: deliveredWholeRun
              ? round(
                  (delta('fabricIn') + delta('kafkaIn') + delta('repliesIn')) / deliveredWholeRun,
                )
              : null,
            // cpuUsPerMsgOf is per served request of the whole cluster; per delivered message of
            // this pod it is scaled by the pod's share of the deliveries.
            cpuUsPerDelivered:
              delivered && cpuUs != null
                ? round((cpuUs * m.perSec * (timing.durationMs / 1000)) / delivered)
                : (cpuUs ?? null),
          };
          perPod.push(row);
          ctx.log(`    ${JSON.stringify(row)}`);
        });
      }
    } finally {
      await cluster.system.stop();
    }
  }
  return {
    scenario: 'cluster',
    loadShape: {
      topology: `${podCounts.join(' / ')} broker pods + ${GATEWAYS} gateways + Redis + Kafka + PostgreSQL`,
      loads: LOADS.map((l) => l.variant).join('; '),
      clients: 'split evenly over the broker pods; one push subscriber per generator, on its pod',
      durationMs: timing.durationMs,
    },
    systems: {},
    unavailable: [],
    measurements,
    rows: [],
    targets: [],
    notes: [
      'per pod: fabric and Kafka counters over the whole run; deliveries (replies + pushes) in the window',
      `per-pod rows: ${JSON.stringify(perPod)}`,
    ],
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
