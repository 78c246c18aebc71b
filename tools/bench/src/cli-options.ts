import { join } from 'node:path';
import { GENERATOR_KINDS, type GeneratorKind } from './load/mqtt-client';
import { REPO_ROOT } from './paths';

export const SCENARIO_NAMES = [
  'native',
  'round-trip',
  'telemetry',
  'connections',
  'cluster',
  'remote',
  'validation',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Command line of `npm run bench -- [options]`. */
export interface CliOptions {
  smoke: boolean;
  scenarios: ScenarioName[];
  rounds: number;
  out: string;
  cpuProfDir?: string;
  brokerPods?: number[];
  /** `--pods 1+1`: the cluster scenario's broker and gateway pods (default: one of each per 2 cores). */
  pods?: PodShape;
  /** `--only a,b`: run only the variants whose name contains one of these (quick iterations). */
  only?: string[];
  /** `--generator lean|mqtt.js`: the MQTT client of the request generators (default lean). */
  generator: GeneratorKind;
  /** `--levels 5,10,25`: the cluster scenario's paced insert loads, % of each system's maximum. */
  levels?: number[];
}

export const USAGE = `usage: npm run bench -- [--smoke] [--scenario <name>[,<name>]] [--rounds <n>] [--out <file.json>] [--cpu-prof <dir>]
  scenarios: ${SCENARIO_NAMES.join(', ')} (default: all)
  --smoke     tiny loads, ~1 s per run, 1 round: checks that every scenario works (CI)
  --rounds    rounds per scenario, systems alternated (default 3, smoke 1)
  --cpu-prof  run the standalone under node --cpu-prof, profiles written to <dir>
  --pods B+G  cluster scenario: B broker pods and G gateway pods (default one of each per two
              cores of the machine: 1+1 on 2 cores; 2+2 is the topology of the runs before 2026-12-06)
  --broker-pods 1,2,4  cluster scenario: scale-out with these broker pod counts (2 gateways), per-pod counts
  --generator lean|mqtt.js  the request generators' MQTT client (default lean: this suite's
              minimal client; mqtt.js: MQTT.js, as before)
  --only a,b  cluster scenario: only the variants whose name contains a or b (e.g. "×100,max");
              the paced inserts need "max"
  --levels 5,10,25  cluster scenario: the paced insert loads, in % of each system's own maximum
              (default 25,50,80; the targets read 25 and 50; 50,50 runs two windows at 50 %)`;

/** Broker and gateway pods of the cluster scenario. */
export interface PodShape {
  brokers: number;
  gateways: number;
}

/** `2+2` → { brokers: 2, gateways: 2 }. */
export function parsePodShape(text: string): PodShape {
  const match = /^(\d+)\+(\d+)$/.exec(text.trim());
  const brokers = Number(match?.[1]);
  const gateways = Number(match?.[2]);
  if (!match || brokers < 1 || gateways < 1) throw new Error(`--pods B+G (each ≥ 1), got ${text}`);
  return { brokers, gateways };
}

/**
 * The cluster scenario's default shape: one broker and one gateway pod per two cores (each pod is
 * one Node process, busy on one core at most). More pods than that on the same cores measure the
 * machine's context switches and halve every pod's batches, not the design (docs/performance.md).
 */
export function defaultPodShape(cores: number): PodShape {
  const each = Math.max(1, Math.floor(cores / 2));
  return { brokers: each, gateways: each };
}

/**
 * `5,10,25` → [5, 10, 25]: each a percentage above 0 and at most 100. A repeated level is run
 * again in the same round (`50,50`: two windows at half the maximum).
 */
export function parseLevels(text: string): number[] {
  const levels = text.split(',').map((part) => Number(part.trim()));
  const valid = levels.every((pct) => Number.isFinite(pct) && pct > 0 && pct <= 100);
  if (!valid) {
    throw new Error(`--levels: percentages above 0 and at most 100 (e.g. 5,10,25), got ${text}`);
  }
  return levels;
}

export function parseOptions(argv: readonly string[]): CliOptions {
  const args = [...argv];
  const options: CliOptions = {
    smoke: false,
    scenarios: [...SCENARIO_NAMES],
    rounds: 0,
    out: '',
    generator: 'lean',
  };
  while (args.length) {
    const arg = args.shift() as string;
    const value = () => {
      const v = args.shift();
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    switch (arg) {
      case '--smoke':
        options.smoke = true;
        break;
      case '--scenario':
        options.scenarios = value()
          .split(',')
          .map((name) => {
            if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
              throw new Error(`unknown scenario ${name}\n${USAGE}`);
            }
            return name as ScenarioName;
          });
        break;
      case '--rounds':
        options.rounds = Number(value());
        if (!Number.isInteger(options.rounds) || options.rounds < 1)
          throw new Error('--rounds ≥ 1');
        break;
      case '--out':
        options.out = value();
        break;
      case '--broker-pods':
        options.brokerPods = value()
          .split(',')
          .map((n) => {
            const pods = Number(n);
            if (!Number.isInteger(pods) || pods < 1) throw new Error('--broker-pods 1,2,4 (≥ 1)');
            return pods;
          });
        break;
      case '--pods':
        options.pods = parsePodShape(value());
        break;
      case '--only':
        options.only = value()
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
        break;
      case '--generator': {
        const kind = value();
        if (!(GENERATOR_KINDS as readonly string[]).includes(kind))
          throw new Error(`--generator ${GENERATOR_KINDS.join('|')}`);
        options.generator = kind as GeneratorKind;
        break;
      }
      case '--cpu-prof':
        options.cpuProfDir = value();
        break;
      case '--levels':
        options.levels = parseLevels(value());
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  options.rounds ||= options.smoke ? 1 : 3;
  options.out ||= join(
    REPO_ROOT,
    'tmp/bench',
    `bench-${options.smoke ? 'smoke-' : ''}${Date.now()}.json`,
  );
  return options;
}
