import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { clusterDist } from './cluster-env';

export type PodRole = 'broker' | 'gateway';

/** `tools/infra`'s `freePort` (free-port.cjs): one way of choosing ports for services and pods. */
export function freePort(): Promise<number> {
  const infra = require(join(__dirname, '../../../../tools/infra/free-port.cjs')) as {
    freePort(host?: string): Promise<number>;
  };
  return infra.freePort('127.0.0.1');
}

/** One app process of the cluster, started from the build (`node <dist>/apps/<role>/...`). */
export class PodProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly role: PodRole,
    readonly name: string,
    readonly ports: { http: number; mqtt?: number; api?: number },
    env: Record<string, string>,
  ) {
    const main = join(clusterDist(), 'apps', role, 'src', 'main.js');
    this.child = spawn(process.execPath, [main], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      // Bounded, keeping the start (how the pod came up) and the latest lines.
      if (this.output.length > 4_000_000) {
        this.output = `${this.output.slice(0, 1_000_000)}\n${this.output.slice(-2_000_000)}`;
      }
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get mqttUrl(): string {
    if (this.ports.mqtt === undefined) throw new Error(`${this.name} has no MQTT port`);
    return `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  /** DeviceHive's REST and WebSocket APIs of a broker pod (docs/api/rest.md). */
  get apiUrl(): string {
    if (this.ports.api === undefined) throw new Error(`${this.name} has no API port`);
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** GET on the health endpoint: the status code, or 0 when nothing answers. */
  async probe(path: '/readyz' | '/healthz'): Promise<number> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.ports.http}${path}`, {
        signal: AbortSignal.timeout(3_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Resolves once `/readyz` answers 200; throws with the pod's output after `timeoutMs`. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.tail()}`);
      if ((await this.probe('/readyz')) === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000) {
    if (!this.alive) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines of output. */
  tail(lines = 40): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}
