import { startPlainAedes } from '../systems/aedes.system';
import { startMosquitto } from '../systems/mosquitto.system';
import { startStandalone } from '../systems/standalone.system';
import { isRunning, type RunningSystem, type SystemOrReason } from '../systems/system';
import type { BenchContext, ScenarioResult } from './scenario.types';

export type SystemKey = 'dh-mqtt' | 'aedes' | 'mosquitto';

/** The systems a scenario compares, started as separate processes, stopped together. */
export class SystemSet {
  readonly running: RunningSystem[] = [];
  readonly unavailable: { name: string; reason: string }[] = [];

  static async start(ctx: BenchContext, keys: readonly SystemKey[]): Promise<SystemSet> {
    const set = new SystemSet();
    try {
      for (const key of keys) set.add(await startOne(ctx, key));
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  /** A system of the set that must be running (ours and plain aedes always start or throw). */
  get(name: SystemKey): RunningSystem {
    const system = this.running.find((s) => s.name === name);
    if (!system) throw new Error(`${name} is not running`);
    return system;
  }

  describe(): Pick<ScenarioResult, 'systems' | 'unavailable'> {
    return {
      systems: Object.fromEntries(
        this.running.map((s) => [s.name, { version: s.version, settings: s.settings }]),
      ),
      unavailable: this.unavailable,
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((s) => s.stop()));
  }

  private add(system: SystemOrReason): void {
    if (isRunning(system)) this.running.push(system);
    else this.unavailable.push({ name: system.name, reason: system.unavailable });
  }
}

function startOne(ctx: BenchContext, key: SystemKey): Promise<SystemOrReason> {
  switch (key) {
    case 'dh-mqtt':
      return startStandalone({ cpuProfDir: ctx.cpuProfDir });
    case 'aedes':
      return startPlainAedes();
    case 'mosquitto':
      return startMosquitto(ctx.log);
  }
}
