import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { spawnServer, type SystemOrReason } from './system';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'];

function findMosquitto(): string | undefined {
  return CANDIDATES.find((file) => existsSync(file));
}

/**
 * The mosquitto binary, installed from the Debian packages when missing and we are root;
 * otherwise the reason it is unavailable (reported, never silently skipped).
 */
function ensureMosquitto(log: (line: string) => void): string | { reason: string } {
  const found = findMosquitto();
  if (found) return found;
  if (process.getuid?.() !== 0)
    return { reason: 'mosquitto not installed and not root to apt-get it' };
  log('mosquitto missing: apt-get install -y mosquitto');
  const result = spawnSync('apt-get', ['install', '-y', 'mosquitto'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return findMosquitto() ?? { reason: `apt-get install mosquitto failed (exit ${result.status})` };
}

/**
 * Mosquitto with the settings that make the comparison fair (docs/design.md): `set_tcp_nodelay`,
 * and unbounded in-flight and queued messages (its defaults drop acknowledged QoS 1 messages).
 */
export async function startMosquitto(log: (line: string) => void): Promise<SystemOrReason> {
  const binary = ensureMosquitto(log);
  if (typeof binary !== 'string') return { name: 'mosquitto', unavailable: binary.reason };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dh-bench-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  const settings = {
    listener: `${port} 127.0.0.1`,
    allow_anonymous: 'true',
    set_tcp_nodelay: 'true',
    max_inflight_messages: '0',
    max_queued_messages: '0',
    persistence: 'false',
    log_dest: 'stderr',
    log_type: 'error',
  };
  writeFileSync(
    conf,
    Object.entries(settings)
      .map(([key, value]) => `${key} ${value}\n`)
      .join(''),
  );
  const proc = await spawnServer(binary, ['-c', conf], port);
  return {
    name: 'mosquitto',
    version: mosquittoVersion(binary),
    url: `mqtt://127.0.0.1:${port}`,
    pid: proc.pid,
    settings,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoVersion(binary: string): string {
  try {
    // `mosquitto -h` exits 3 after printing its version on the first line.
    execFileSync(binary, ['-h'], { stdio: 'pipe' });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    const match = /version (\S+)/.exec(out);
    if (match) return match[1];
  }
  return 'unknown';
}
