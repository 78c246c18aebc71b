import type { RequestKind, RunTiming } from '../load/load.types';
import { SAMPLE_DEVICE_ID } from './device';
import { absoluteTarget, aggregate, measure, rotate } from './measure';
import { requesterSpecs } from './round-trip.scenario';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';
import { SystemSet } from './systems';
import { describeMachine, describePauses } from './thread-pauses';

const MAX = 'max (closed loop)';
const LEVELS = [25, 50, 80];
const NATIVE_MAX = 'native: max (closed loop)';
const NATIVE_AT = 50;
const NATIVE_PACED = `native: ${NATIVE_AT}% of its max`;

/**
 * Scenario 3, telemetry: devices insert notifications with `notification/insert` requests while
 * one subscriber per generator takes the pushes. First the sustained maximum (closed loop, a
 * window of requests per device; a success reply means the row is persisted), then open-loop
 * paced load at 25/50/80 % of that maximum for publish → push latency. Then the same devices
 * publish natively on `dh/notification/...` (docs/topics/notification.md): their maximum, and 50 %
 * of it.
 */
export async function telemetryScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const shape = ctx.smoke
    ? { devices: 2, window: 2, timing: { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 } }
    : { devices: 16, window: 8, timing: { warmupMs: 2_000, durationMs: 6_000, drainMs: 3_000 } };
  const timing: RunTiming = shape.timing;
  const systems = await SystemSet.start(ctx, ['dh-mqtt']);
  const system = systems.get('dh-mqtt');
  const measurements: Measurement[] = [];
  const run = async (
    round: number,
    variant: string,
    window: number,
    ratePerSec: number,
    request: RequestKind = 'notification/insert',
  ) => {
    const base = {
      kind: 'requests' as const,
      url: system.url,
      credentials: system.credentials,
      request,
      deviceId: SAMPLE_DEVICE_ID,
      window,
      ratePerSec: 0,
      subscribePushes: true,
    };
    const specs = requesterSpecs(base, shape.devices, `tm-r${round}-${measurements.length}`).map(
      (spec, _i, all) => ({ ...spec, ratePerSec: ratePerSec / all.length }),
    );
    const m = await measure({
      round,
      variant,
      system,
      specs,
      timing,
      lossAgainst: 'sent',
      rate: 'acked',
    });
    ctx.log(
      `  telemetry r${round} ${variant}: ${m.perSec} inserts/s, push p99 ${m.pushes?.latencyMs.p99 ?? '–'} ms, ` +
        `CPU µs/insert ${m.cpuUsPerMsg} (main thread ${m.cpuUsPerMsgMainThread ?? '–'}, busiest other thread ${m.cpuUsPerMsgBusiestOtherThread ?? '–'}, the rest ${m.cpuUsPerMsgOtherThreads ?? '–'}; generators ${m.generatorCpuUsPerMsg ?? '–'}), write calls/insert ${m.writesPerMsg ?? '–'}, errors ${m.errors}` +
        (m.threadPauses ? `; pauses: ${describePauses(m.threadPauses)}` : '') +
        (m.machine ? `; machine: ${describeMachine(m.machine)}` : ''),
    );
    measurements.push(m);
    return m;
  };
  try {
    const maxima: number[] = [];
    for (let round = 0; round < ctx.rounds; round += 1) {
      maxima.push((await run(round, MAX, shape.window, 0)).perSec);
    }
    const max = median(maxima);
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const pct of rotate(LEVELS, round)) {
        await run(round, `${pct}% of max`, 1, Math.max(1, Math.round((max * pct) / 100)));
      }
    }
    const nativeMaxima: number[] = [];
    for (let round = 0; round < ctx.rounds; round += 1) {
      nativeMaxima.push(
        (await run(round, NATIVE_MAX, shape.window, 0, 'native notification')).perSec,
      );
    }
    const nativeRate = Math.max(1, Math.round((median(nativeMaxima) * NATIVE_AT) / 100));
    for (let round = 0; round < ctx.rounds; round += 1) {
      await run(round, NATIVE_PACED, 1, nativeRate, 'native notification');
    }
  } finally {
    await systems.stop();
  }
  const pushesSeen = measurements.some((m) => (m.pushes?.perSec ?? 0) > 0);
  const at50 = measurements.filter((m) => m.variant === '50% of max');
  const notes = pushesSeen
    ? []
    : [
        'no pushes were delivered: the broker does not deliver device events yet (docs/topics/notification.md); push latency not measured',
      ];
  return {
    scenario: 'telemetry',
    loadShape: {
      devices: `${shape.devices} clients inserting for the sample device (each its own notification name per generator)`,
      maxLoop: `closed, ${shape.window} requests outstanding per client`,
      latencyLoads:
        LEVELS.map((p) => `${p}%`).join(', ') + ' of the median maximum, open loop, paced',
      subscribers:
        'one QoS 1 subscriber per generator process on dh/notification/+/+/{device}/{name}',
      payload: 'notification with parameters {t: send time}',
      native: `the same devices publish on dh/notification/1/1/{device}/{name} at QoS 0 (outcome on dh/response/notification/insert@{client}, matched in order): the maximum, then ${NATIVE_AT}% of it`,
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      rounds: ctx.rounds,
    },
    ...systems.describe(),
    measurements,
    rows: aggregate(measurements),
    targets: [
      absoluteTarget(
        'persisted notifications/s (embedded)',
        measurements.filter((m) => m.variant === MAX).map((m) => m.perSec),
        '>=',
        10_000,
        '/s',
      ),
      pushesSeen
        ? absoluteTarget(
            'p99 publish→push at 50% of max',
            at50.map((m) => m.pushes?.latencyMs.p99 ?? Infinity),
            '<=',
            20,
            'ms',
          )
        : {
            name: 'p99 publish→push at 50% of max',
            target: '≤ 20 ms',
            value: null,
            met: null,
            note: 'no pushes yet',
          },
    ],
    notes,
  };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1];
}
