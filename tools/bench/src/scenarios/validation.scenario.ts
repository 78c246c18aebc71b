import 'reflect-metadata';
import { validateRequest, type ActionName } from '@dh-mqtt/protocol';
import { aggregate } from './measure';
import { SAMPLE_DEVICE_ID } from './device';
import type { BenchContext, Measurement, ScenarioResult } from './scenario.types';

/** Requests as clients send them: the hot insert, a command, a device read, a device save. */
const SAMPLES: ReadonlyArray<[ActionName, Record<string, unknown>]> = [
  [
    'notification/insert',
    {
      action: 'notification/insert',
      requestId: 1,
      deviceId: SAMPLE_DEVICE_ID,
      notification: { notification: 'temperature', parameters: { t: 21.5 } },
    },
  ],
  [
    'command/insert',
    {
      action: 'command/insert',
      requestId: 2,
      deviceId: SAMPLE_DEVICE_ID,
      command: { command: 'light', parameters: { on: true }, lifetime: 30 },
    },
  ],
  ['device/get', { action: 'device/get', requestId: 3, deviceId: SAMPLE_DEVICE_ID }],
  [
    'device/save',
    {
      action: 'device/save',
      requestId: 4,
      deviceId: SAMPLE_DEVICE_ID,
      device: { name: 'bench device', networkId: 1, deviceTypeId: 1, data: { site: 'a' } },
    },
  ],
];

/**
 * The gateway's request validation (`validateRequest`: DTO transform and class-validator) in
 * this process: validations per second and CPU µs per validation for each sample request, no
 * I/O. It is part of every request's cost on the gateway side (docs/performance.md §3).
 */
export async function validationScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const iterations = ctx.smoke ? 2_000 : 200_000;
  const measurements: Measurement[] = [];
  for (let round = 0; round < ctx.rounds; round += 1) {
    for (const [action, payload] of SAMPLES) {
      for (let i = 0; i < iterations / 10; i += 1) validateRequest(action, payload);
      const cpuBefore = process.cpuUsage();
      const from = performance.now();
      let valid = 0;
      for (let i = 0; i < iterations; i += 1) {
        if (validateRequest(action, payload).ok) valid += 1;
      }
      const seconds = (performance.now() - from) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuUs = (cpu.user + cpu.system) / iterations;
      const msEach = (seconds * 1000) / iterations;
      ctx.log(
        `  validation r${round} ${action}: ${Math.round(iterations / seconds)}/s, ${cpuUs.toFixed(2)} µs CPU each`,
      );
      measurements.push({
        round,
        system: 'dh-mqtt',
        variant: action,
        perSec: Math.round(valid / seconds),
        latencyMs: { p50: msEach, p90: msEach, p99: msEach, max: msEach },
        loss: 0,
        errors: iterations - valid,
        cpuUsPerMsg: Math.round(cpuUs * 100) / 100,
        brokerCores: null,
      });
    }
  }
  return {
    scenario: 'validation',
    loadShape: {
      loop: 'validateRequest in this process, one sample request per action, no I/O',
      iterations,
      warmUp: `${iterations / 10} unmeasured validations per action first`,
      rounds: ctx.rounds,
    },
    systems: { 'dh-mqtt': { version: 'in process', settings: {} } },
    unavailable: [],
    measurements,
    rows: aggregate(measurements),
    targets: [],
    notes: ['latency columns are the mean time of one validation (a tight loop has no tail)'],
  };
}
