import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../../..');
/** Written by `build-standalone.cjs` (jest globalSetup). */
export const STANDALONE_MAIN = join(ROOT, 'dist/hardening/apps/standalone/src/main.js');
const PROBE = join(__dirname, 'process-probe.cjs');

/** What the process under attack reports about itself (see `process-probe.cjs`). */
export interface ProbeReport {
  /** False when the process runs without `--expose-gc` (the heap figure is then noisier). */
  gc: boolean;
  memory: NodeJS.MemoryUsage;
  /** Built-in prototype members added, removed or redefined since the process started. */
  prototypeChanges: string[];
}

/** The built standalone (`apps/standalone/src/main.js`) running as a child process. */
export interface EmbeddedStandalone {
  readonly mqttUrl: string;
  readonly ports: { mqtt: number; ws: number; http: number; api?: number };
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far (pino JSON lines). */
  logs(): string;
  /** Exit code or signal once the process has ended; null while it runs. */
  exited(): string | null;
  /** Full GC in the process, then its memory and prototype report. */
  probe(): Promise<ProbeReport>;
  /** SIGTERM (graceful shutdown), waits for the exit, removes a data directory it made. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing cleaned up; waits for the exit. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra `DH_*` variables; ports, host and data directory are set here. */
  env?: Record<string, string>;
  /** Data directory to use (kept on stop); a fresh one, removed on stop, by default. */
  dataDir?: string;
  /** Keep at most this many characters of output (the fuzzers make the broker chatty). */
  maxLogChars?: number;
  startTimeoutMs?: number;
}

/**
 * Starts the built standalone on ports chosen by the OS (`DH_*_PORT=0`, learnt from its
 * `standalone listening` log line, so the log level must be `info` or lower) and a fresh PGlite
 * data directory, with `process-probe.cjs` preloaded and `--expose-gc`.
 */
export async function spawnStandalone(options: SpawnOptions = {}): Promise<EmbeddedStandalone> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dh-hardening-'));
  const removeDataDir = () => {
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const maxLogChars = options.maxLogChars ?? 50_000_000;
  const child = spawn(process.execPath, ['--expose-gc', '-r', PROBE, STANDALONE_MAIN], {
    cwd: dataDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      DH_LOG_LEVEL: 'info',
      ...options.env,
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
      DH_API_PORT: '0',
      DH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < maxLogChars) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exit: string | null = null;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? String(code);
      resolve();
    }),
  );

  try {
    const ports = await waitForPorts(child, () => output, options.startTimeoutMs ?? 30_000);
    return {
      mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
      ports,
      pid: child.pid ?? -1,
      logs: () => output,
      exited: () => exit,
      probe: () => probe(child),
      stop: async () => {
        if (exit === null) child.kill('SIGTERM');
        await exitedPromise;
        removeDataDir();
      },
      kill: async () => {
        if (exit === null) child.kill('SIGKILL');
        await exitedPromise;
      },
    };
  } catch (err) {
    child.kill('SIGKILL');
    await exitedPromise;
    removeDataDir();
    throw err;
  }
}

function waitForPorts(
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<EmbeddedStandalone['ports']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no start within ${timeoutMs} ms`)), timeoutMs);
    const onData = () => {
      const line = output()
        .split('\n')
        .find((text) => text.includes('"standalone listening"'));
      if (line) finish(null, (JSON.parse(line) as { ports: EmbeddedStandalone['ports'] }).ports);
    };
    const onExit = () => finish(new Error(`standalone exited during start:\n${output()}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    function finish(err: Error | null, ports?: EmbeddedStandalone['ports']) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err || !ports) reject(err);
      else resolve(ports);
    }
  });
}

let probeIds = 0;

function probe(child: ChildProcess): Promise<ProbeReport> {
  const id = ++probeIds;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('probe: no answer within 10 s')), 10_000);
    const onMessage = (message: { type?: string; id?: number } & ProbeReport) => {
      if (message.type === 'probe' && message.id === id) done(null, message);
    };
    child.on('message', onMessage);
    child.send({ type: 'probe', id });
    function done(err: Error | null, report?: ProbeReport) {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (err || !report) reject(err);
      else
        resolve({
          gc: report.gc,
          memory: report.memory,
          prototypeChanges: report.prototypeChanges,
        });
    }
  });
}
