import { execFile } from 'node:child_process';
import { DhClient } from '@dh-mqtt/client';
import { startEmbeddedServer, type EmbeddedServer } from './support/embedded-standalone';

// `dh-mqtt simulate` as a user runs it, against the embedded process: a short run whose summary
// counts what was sent, acknowledged and answered, and devices that stay registered.

jest.setTimeout(120_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function simulate(args: string[]): Promise<Run> {
  const main = process.env['DH_E2E_CLI_MAIN'] as string;
  return new Promise((resolve) => {
    execFile(process.execPath, [main, 'simulate', ...args], (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('dh-mqtt simulate', () => {
  let server: EmbeddedServer;

  beforeAll(async () => {
    server = await startEmbeddedServer();
  });

  afterAll(async () => {
    await server?.stop(true);
  });

  it('registers the devices, sends at the given rates and reports every message answered', async () => {
    const run = await simulate([
      '--url',
      server.mqttUrl,
      '--devices',
      '5',
      '--rate',
      '20/s',
      '--commands',
      '4/s',
      '--duration',
      '2500ms',
      '--prefix',
      'e2e-sim',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      devices: { requested: 5, registered: 5, failed: 0 },
      notifications: { sent: 50, acknowledged: 50, failed: 0 },
      commands: { sent: 10, delivered: 10, answered: 10, updatesReceived: 10, failed: 0 },
    });
    for (const latency of [summary.notifications.latencyMs, summary.commands.latencyMs]) {
      expect(latency.p50).toBeGreaterThan(0);
      expect(latency.p50).toBeLessThanOrEqual(latency.p99);
      expect(latency.p99).toBeLessThanOrEqual(latency.max);
    }
    expect(run.stderr).toMatch(/devices 5\/5 {2}notifications \d+\/\d+ acked/);

    const admin = await DhClient.connect({
      url: server.mqttUrl,
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    try {
      const listed = await admin.request('device/list', { namePattern: 'simulated e2e-sim-%' });
      expect(listed.devices.map((d) => d.id).sort()).toEqual([
        'e2e-sim-1',
        'e2e-sim-2',
        'e2e-sim-3',
        'e2e-sim-4',
        'e2e-sim-5',
      ]);
      const notes = await admin.request('notification/list', { deviceId: 'e2e-sim-1', take: 100 });
      expect(notes.notifications.filter((n) => n.notification === 'temperature')).toHaveLength(10);
    } finally {
      await admin.end();
    }
  });

  it('prints a readable summary with latency percentiles', async () => {
    const run = await simulate([
      '--url',
      server.mqttUrl,
      '--devices',
      '2',
      '--rate',
      '10/s',
      '--commands',
      '0/s',
      '--duration',
      '1s',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('devices registered     2/2');
    expect(run.stdout).toContain('notifications          10 sent, 10 acknowledged, 0 failed');
    expect(run.stdout).toMatch(/notification latency\s+p50 [\d.]+ ms {2}p90 [\d.]+ ms/);
  });

  it('refuses a wrong option with the usage text and exit code 2', async () => {
    const run = await simulate(['--rate', 'fast']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--rate must look like 10/s or 600/m, not fast');
    expect(run.stderr).toContain('usage: dh-mqtt simulate');
  });
});
