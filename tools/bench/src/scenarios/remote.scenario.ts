import type { RequestKind, RunTiming } from '../load/load.types';
import { BOOTSTRAP_ADMIN, startStandalone } from '../systems/standalone.system';
import type { RunningSystem } from '../systems/system';
import { SAMPLE_DEVICE_ID } from './device';
import { aggregate, measure, rotate } from './measure';
import { requesterSpecs } from './round-trip.scenario';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';

export const REMOTE_LABEL = 'dh-mqtt → remote';
const ACTIONS: RequestKind[] = ['device/get', 'notification/insert'];

/**
 * In front of an existing DeviceHive (docs/deployment.md): a second embedded process whose
 * backend is the first one's REST API (`DH_DEVICEHIVE_URL`), next to the first one answering
 * directly. Request round trips (closed loop, 1 and 10 clients) and telemetry (notification
 * inserts, 10 clients with 10 outstanding each); CPU per message of the remote-backed system
 * counts both processes.
 */
export async function remoteScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const levels = ctx.smoke ? [2] : [1, 10];
  const timing: RunTiming = ctx.smoke
    ? { warmupMs: 200, durationMs: 1_000, drainMs: 2_000 }
    : { warmupMs: 1_000, durationMs: 5_000, drainMs: 3_000 };
  const server = await startStandalone({ api: true, cpuProfDir: ctx.cpuProfDir });
  let front: RunningSystem | undefined;
  const measurements: Measurement[] = [];
  try {
    const started = await startStandalone({
      name: REMOTE_LABEL,
      env: {
        DH_DEVICEHIVE_URL: `${server.apiUrl as string}/api/rest`,
        DH_DEVICEHIVE_LOGIN: BOOTSTRAP_ADMIN.username,
        DH_DEVICEHIVE_PASSWORD: BOOTSTRAP_ADMIN.password,
      },
      settings: { backend: 'remote DeviceHive: the other dh-mqtt process over REST (HTTP/1.1)' },
    });
    front = { ...started, meteredPids: [started.pid, server.pid] };
    const variants: Array<{ request: RequestKind; clients: number; window: number; name: string }> =
      [
        ...levels.flatMap((clients) =>
          ACTIONS.map((request) => ({
            request,
            clients,
            window: 1,
            name: `${request} ×${clients}`,
          })),
        ),
        {
          request: 'notification/insert',
          clients: ctx.smoke ? 2 : 10,
          window: 10,
          name: 'telemetry (inserts, 10 outstanding per client)',
        },
      ];
    for (let round = 0; round < ctx.rounds; round += 1) {
      for (const variant of variants) {
        for (const system of rotate([server, front], round)) {
          const m = await measure({
            round,
            variant: variant.name,
            system,
            specs: requesterSpecs(
              {
                kind: 'requests',
                url: system.url,
                credentials: system.credentials,
                request: variant.request,
                deviceId: SAMPLE_DEVICE_ID,
                window: variant.window,
                ratePerSec: 0,
                subscribePushes: false,
              },
              variant.clients,
              `remote-r${round}-${system === server ? 'direct' : 'front'}-${variant.clients}-${variant.window}-${variant.request.replace('/', '-')}`,
            ),
            timing,
            lossAgainst: 'sent',
            // Each process of the remote-backed pair on its own: what the front (this product in
            // front of the server) costs, apart from the server it calls.
            meters:
              system === server
                ? undefined
                : { front: () => [started.pid], server: () => [server.pid] },
          });
          const split = m.cpuUsPerMsgOf
            ? ` (µs/msg front ${m.cpuUsPerMsgOf['front']}, server ${m.cpuUsPerMsgOf['server']})`
            : '';
          ctx.log(
            `  remote r${round} ${m.system} ${m.variant}: ${m.perSec} req/s p50 ${m.latencyMs.p50} p99 ${m.latencyMs.p99} ms${split}`,
          );
          measurements.push(m);
        }
      }
    }
  } finally {
    await front?.stop();
    await server.stop();
  }
  return {
    scenario: 'remote',
    loadShape: {
      clients: levels.join(', '),
      loop: 'closed; one request outstanding per client, telemetry 10',
      qos: '0 for requests and replies',
      actions: ACTIONS.join(', '),
      backend: 'the front process runs every action on the other process over its REST API',
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      rounds: ctx.rounds,
    },
    systems: Object.fromEntries(
      [server, front]
        .filter((s): s is RunningSystem => s !== undefined)
        .map((s) => [s.name, { version: s.version, settings: s.settings }]),
    ),
    unavailable: [],
    measurements,
    rows: aggregate(measurements),
    targets: [],
    notes: [
      'µs/msg of "dh-mqtt → remote" sums both processes (the front and the remote it calls); the log and cpuUsPerMsgOf give each',
      'pushes of the remote server’s events are not measured here (the event stream)',
    ],
  };
}
