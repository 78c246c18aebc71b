import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPort } from './free-port';

/** MQTT CONNECT credentials a load generator uses for one system. */
export interface Credentials {
  username: string;
  password: string;
}

/** A system under test, running as its own process. */
export interface RunningSystem {
  /** Short key used in tables and JSON: `dh-mqtt`, `aedes`, `mosquitto`. */
  readonly name: string;
  readonly version: string;
  readonly url: string;
  readonly pid: number;
  /** Processes whose CPU is summed per message when not only `pid` (the pods of a cluster). */
  readonly meteredPids?: readonly number[];
  /** Its Prometheus `/metrics` (ours): thread pauses over each window (scenarios/thread-pauses.ts). */
  readonly metricsUrl?: string;
  /** Given on CONNECT by every generator client (DeviceHive login on our broker). */
  readonly credentials?: Credentials;
  /** Settings that matter for the comparison, printed with the results. */
  readonly settings: Record<string, string | number | boolean>;
  stop(): Promise<void>;
}

/** A comparison that cannot run here, reported instead of silently skipped. */
export interface UnavailableSystem {
  readonly name: string;
  readonly unavailable: string;
}

export type SystemOrReason = RunningSystem | UnavailableSystem;

export function isRunning(system: SystemOrReason): system is RunningSystem {
  return !('unavailable' in system);
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last lines the process wrote to stderr/stdout, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a server process and resolves once it accepts connections on `port`. */
export async function spawnServer(
  command: string,
  args: readonly string[],
  port: number,
  env: NodeJS.ProcessEnv = process.env,
  startTimeoutMs = 60_000,
): Promise<SpawnedProcess> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', (err) => {
    tail += String(err);
  });
  const spawned: SpawnedProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => tail,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
  try {
    await waitForPort(port, startTimeoutMs, () => !exited);
  } catch (err) {
    await spawned.stop();
    throw new Error(`${command} did not start: ${(err as Error).message}\n${tail}`, { cause: err });
  }
  return spawned;
}
