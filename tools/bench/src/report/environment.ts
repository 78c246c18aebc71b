import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { packageVersion, REPO_ROOT } from '../paths';
import { generatorKind } from '../load/mqtt-client';
import { openFilesLimit } from '../systems/proc-stat';

/** The machine, versions and limits a result was measured with. */
export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  loadAverageAtStart: number[];
  openFilesLimit: number;
  node: string;
  versions: Record<string, string>;
  commit: string;
  /** The request generators' MQTT client (`--generator`). */
  generator: string;
}

export function environment(): Environment {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    openFilesLimit: openFilesLimit(process.pid),
    node: process.version,
    versions: {
      aedes: packageVersion('aedes'),
      mqtt: packageVersion('mqtt'),
      '@electric-sql/pglite': packageVersion('@electric-sql/pglite'),
      '@nestjs/core': packageVersion('@nestjs/core'),
    },
    commit: gitCommit(),
    generator: generatorKind(),
  };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, stdio: 'pipe' })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}
