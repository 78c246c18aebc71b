import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { clusterDist } from './cluster-env';

export type PodRole = 'broker' | 'gateway';

/** Binds `port` (0: any) on 127.0.0.1 and releases it: the port, or 0 when it was taken. */
function tryBind(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

/** The next port this process tries: a random start, then one after the other. */
let nextPort = 0;

/**
 * A free TCP port of 127.0.0.1, below the kernel's ephemeral range (as `tools/infra`'s
 * `freePort`): a port from that range is also the source port of outgoing connections, and on a
 * busy machine one was taken between this check and the pod binding it. Ports are walked one after
 * the other from a random start, so a suite never hands out the same port twice (random picks did:
 * two pods of one cluster got the same port).
 */
export async function freePort(): Promise<number> {
  let high = 32_768;
  try {
    high = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
  } catch {
    // not Linux: the usual start of the range
  }
  const low = 20_000;
  high = Math.max(high, low + 1_000);
  if (nextPort === 0) nextPort = low + Math.floor(Math.random() * (high - low));
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const candidate = nextPort;
    nextPort = nextPort + 1 >= high ? low : nextPort + 1;
    if (await tryBind(candidate)) return candidate;
  }
  return tryBind(0);
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
