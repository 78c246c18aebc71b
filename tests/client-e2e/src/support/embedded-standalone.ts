import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The listeners of a running embedded server. */
export interface EmbeddedPorts {
  mqtt: number;
  ws: number;
  http: number;
}

/** The built embedded server (`npm start`) in a child process, on ports the OS chose. */
export interface EmbeddedServer {
  readonly mqttUrl: string;
  readonly wsUrl: string;
  readonly ports: EmbeddedPorts;
  readonly dataDir: string;
  /** SIGSTOP / SIGCONT: the server stops answering, the connections stay open. */
  pause(): void;
  resume(): void;
  /** SIGTERM and wait for the exit; the data directory is kept unless `removeData`. */
  stop(removeData?: boolean): Promise<void>;
  /** Stops, then starts again on the same ports with the same data. */
  restart(): Promise<EmbeddedServer>;
  /** Everything it printed. */
  logs(): string;
}

const SECRET = 'ZW1iZWRkZWQtc3RhbmRhbG9uZS1lMmUtc2VjcmV0LTAxMjM0NTY3ODk=';

/**
 * Starts the main.js that `build-embedded-standalone.cjs` compiled, on free ports
 * (`DH_*_PORT=0`, learnt from the `standalone listening` log line) and a fresh data directory.
 */
export async function startEmbeddedServer(
  options: { env?: Record<string, string>; dataDir?: string; ports?: EmbeddedPorts } = {},
): Promise<EmbeddedServer> {
  const main = process.env['DH_E2E_STANDALONE_MAIN'];
  if (!main) throw new Error('DH_E2E_STANDALONE_MAIN is unset: add the jest globalSetup');
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'dh-e2e-'));
  const ports = options.ports;
  const child = spawn(process.execPath, [main], {
    cwd: dataDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      DH_LOG_LEVEL: 'info',
      DH_LOG_FORMAT: 'json',
      DH_JWT_SECRET: SECRET,
      ...options.env,
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: String(ports?.mqtt ?? 0),
      DH_WS_PORT: String(ports?.ws ?? 0),
      DH_HTTP_PORT: String(ports?.http ?? 0),
      // The REST and WebSocket APIs are not used here; off, so no test binds their fixed 8080.
      DH_API_PORT: 'off',
      DH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const listening = await new Promise<EmbeddedPorts>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const line = output.split('\n').find((text) => text.includes('"standalone listening"'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve((JSON.parse(line) as { ports: EmbeddedPorts }).ports);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the embedded server exited (${signal ?? code}) during start:\n${output}`));
    });
  });

  const stop = async (removeData = false) => {
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
    if (removeData) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    mqttUrl: `mqtt://127.0.0.1:${listening.mqtt}`,
    wsUrl: `ws://127.0.0.1:${listening.ws}/mqtt`,
    ports: listening,
    dataDir,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
    restart: async () => {
      await stop(false);
      return startEmbeddedServer({ ...options, dataDir, ports: listening });
    },
    logs: () => output,
  };
}
