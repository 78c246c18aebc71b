import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  STANDALONE_MAIN,
  spawnStandalone,
  type EmbeddedStandalone,
} from './support/embedded-standalone';
import { BOOTSTRAP_ADMIN, connectClient } from './support/mqtt-clients';

jest.setTimeout(90_000);

/** Runs the built standalone on `dataDir` until it exits; resolves with its code and output. */
function runToExit(dataDir: string): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [STANDALONE_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
      DH_API_PORT: '0',
      DH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    }),
  );
}

// docs/security.md, "Data directory lock": one embedded process per DH_DATA_DIR.
describe('two embedded processes on one DH_DATA_DIR', () => {
  let dataDir: string;
  const running: EmbeddedStandalone[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'dh-datadir-'));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the second exits non-zero at once, naming the directory and the first process', async () => {
    const first = await spawnStandalone({ dataDir });
    running.push(first);

    const second = await runToExit(dataDir);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`DH_DATA_DIR ${dataDir} is in use by process ${first.pid}`);
    expect(second.ms).toBeLessThan(10_000);

    // The first one is untouched and still serving.
    const client = await connectClient(first.mqttUrl, 'still-served');
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('a restart after a crash (SIGKILL) is not blocked by the stale lock', async () => {
    const first = await spawnStandalone({ dataDir });
    await first.kill();

    const restarted = await spawnStandalone({ dataDir });
    running.push(restarted);
    const client = await connectClient(restarted.mqttUrl, 'after-crash', BOOTSTRAP_ADMIN);
    expect(client.connected).toBe(true);
    await client.endAsync();
  });
});
