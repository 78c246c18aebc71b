import type { JobSpec, RequestJob, RequestKind, RunTiming } from '../load/load.types';
import { WorkerPool } from '../load/worker-pool';
import { SAMPLE_DEVICE_ID } from './device';
import { aggregate, measure, ratioTarget, rotate } from './measure';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';
import { SystemSet } from './systems';

const ACTIONS: RequestKind[] = ['server/info', 'device/get', 'notification/insert'];
export const ECHO_LABEL = 'echo via aedes';

/** Requester clients spread over generator processes (at most 50 per process). */
export function requesterSpecs(
  base: Omit<RequestJob, 'clients' | 'clientIdPrefix'>,
  clients: number,
  prefix: string,
): JobSpec[] {
  const workers = Math.min(4, Math.max(1, Math.ceil(clients / 50)), clients);
  return Array.from({ length: workers }, (_, i) => ({
    ...base,
    clients: Math.floor(clients / workers) + (i < clients % workers ? 1 : 0),
    clientIdPrefix: prefix,
  }));
}

/**
 * Scenario 2, request round trip: closed-loop requesters (one request outstanding each) sending
 * DeviceHive requests through our embedded product, next to the raw MQTT echo round trip through
 * plain aedes (a responder client republishing each request): the floor of this path.
 */
export async function roundTripScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const levels = ctx.smoke ? [2] : [1, 10, 100];
  const timing: RunTiming = ctx.smoke
    ? { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 }
    : { warmupMs: 1_000, durationMs: 5_000, drainMs: 3_000 };
  const systems = await SystemSet.start(ctx, ['dh-mqtt', 'aedes']);
  const ours = systems.get('dh-mqtt');
  const aedes = systems.get('aedes');
  const echo = await WorkerPool.start([{ kind: 'echo-responder', url: aedes.url }]);
  const measurements: Measurement[] = [];
  try {
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const clients of levels) {
        for (const request of rotate(['echo' as const, ...ACTIONS], round)) {
          const system = request === 'echo' ? aedes : ours;
          const base = {
            kind: 'requests' as const,
            url: system.url,
            credentials: system.credentials,
            request,
            deviceId: SAMPLE_DEVICE_ID,
            window: 1,
            ratePerSec: 0,
            subscribePushes: false,
          };
          const m = await measure({
            round,
            variant: `${request === 'echo' ? 'server/info' : request} ×${clients}`,
            label: request === 'echo' ? ECHO_LABEL : undefined,
            system,
            specs: requesterSpecs(
              base,
              clients,
              `rt-r${round}-c${clients}-${request.replace('/', '-')}`,
            ),
            timing,
            lossAgainst: 'sent',
          });
          ctx.log(
            `  round-trip r${round} ${m.system} ${m.variant}: ${m.perSec} req/s p99 ${m.latencyMs.p99} ms`,
          );
          measurements.push(m);
        }
      }
    }
  } finally {
    await echo.close();
    await systems.stop();
  }
  const level = levels.includes(10) ? 10 : levels[0];
  return {
    scenario: 'round-trip',
    loadShape: {
      clients: levels.join(', '),
      loop: 'closed, one request outstanding per client',
      qos: '0 for requests and replies (both paths)',
      actions: ACTIONS.join(', '),
      floor: 'echo: same JSON request, one responder client republishing it unparsed, plain aedes',
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      rounds: ctx.rounds,
    },
    ...systems.describe(),
    measurements,
    rows: aggregate(measurements),
    targets: [
      ratioTarget(
        measurements,
        `server/info ×${level} / echo round trip`,
        { variant: `server/info ×${level}`, system: 'dh-mqtt' },
        { variant: `server/info ×${level}`, system: ECHO_LABEL },
        0.5,
      ),
    ],
    notes: [
      'variant "server/info ×N" of "echo via aedes" is the raw echo of a server/info-sized request',
    ],
  };
}
