import type { PubSubJob, RunTiming } from '../load/load.types';
import { aggregate, measure, ratioTarget, rotate } from './measure';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';
import { SystemSet } from './systems';

/**
 * Scenario 1, native MQTT: publish → deliver on ordinary topics through our broker (every hook
 * on, clients logged in), plain aedes and Mosquitto, with the same generator. QoS 1 with a window
 * of unacknowledged publishes (back-pressure), and QoS 0 paced below saturation.
 */
export async function nativeScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = ctx.smoke
    ? {
        workers: 1,
        pairsPerWorker: 1,
        window: 10,
        qos0Rate: 1_000,
        warmupMs: 200,
        durationMs: 1_000,
      }
    : {
        workers: 2,
        pairsPerWorker: 2,
        window: 50,
        qos0Rate: 10_000,
        warmupMs: 2_000,
        durationMs: 8_000,
      };
  const payloadBytes = 64;
  const timing: RunTiming = {
    warmupMs: shape.warmupMs,
    durationMs: shape.durationMs,
    drainMs: 3_000,
  };
  const qos1 = 'QoS 1';
  const qos0 = `QoS 0 @ ${shape.qos0Rate}/s`;
  const systems = await SystemSet.start(ctx, ['dh-mqtt', 'aedes', 'mosquitto']);
  const measurements: Measurement[] = [];
  try {
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const system of rotate(systems.running, round)) {
        for (const [variant, qos] of [
          [qos1, 1],
          [qos0, 0],
        ] as const) {
          const job = (i: number): PubSubJob => ({
            kind: 'pubsub',
            url: system.url,
            credentials: system.credentials,
            pairs: shape.pairsPerWorker,
            qos,
            window: shape.window,
            ratePerSec: shape.qos0Rate / shape.workers,
            payloadBytes,
            topicPrefix: `bench/native/r${round}q${qos}x${i}`,
          });
          const specs = Array.from({ length: shape.workers }, (_, i) => job(i));
          const m = await measure({ round, variant, system, specs, timing });
          ctx.log(
            `  native r${round} ${system.name} ${variant}: ${m.perSec} msg/s, loss ${m.loss}`,
          );
          measurements.push(m);
        }
      }
    }
  } finally {
    await systems.stop();
  }
  const ours = { variant: qos1, system: 'dh-mqtt' };
  return {
    scenario: 'native',
    loadShape: {
      topology: `${shape.workers} generator processes × ${shape.pairsPerWorker} publisher→subscriber pairs, one topic per pair`,
      payloadBytes,
      qos1Window: `${shape.window} unacknowledged publishes per publisher`,
      qos0: `paced at ${shape.qos0Rate} msg/s in total`,
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      rounds: ctx.rounds,
      order: 'systems rotated every round',
    },
    ...systems.describe(),
    measurements,
    rows: aggregate(measurements),
    targets: [
      ratioTarget(
        measurements,
        'QoS 1 throughput dh-mqtt / aedes',
        ours,
        { variant: qos1, system: 'aedes' },
        0.9,
      ),
      ratioTarget(
        measurements,
        'QoS 1 throughput dh-mqtt / mosquitto',
        ours,
        { variant: qos1, system: 'mosquitto' },
        0.8,
      ),
    ],
    notes: [],
  };
}
