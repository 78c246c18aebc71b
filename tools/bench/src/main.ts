import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseOptions, type ScenarioName } from './cli-options';
import { GENERATOR_ENV } from './load/mqtt-client';
import { environment } from './report/environment';
import { formatEnvironment, formatScenario } from './report/table';
import { clusterScenario } from './scenarios/cluster.scenario';
import { connectionsScenario } from './scenarios/connections.scenario';
import { nativeScenario } from './scenarios/native.scenario';
import { remoteScenario } from './scenarios/remote.scenario';
import { roundTripScenario } from './scenarios/round-trip.scenario';
import type { BenchContext, Scenario, ScenarioResult } from './scenarios/scenario.types';
import { telemetryScenario } from './scenarios/telemetry.scenario';
import { validationScenario } from './scenarios/validation.scenario';

const SCENARIOS: Record<ScenarioName, Scenario> = {
  native: nativeScenario,
  'round-trip': roundTripScenario,
  telemetry: telemetryScenario,
  connections: connectionsScenario,
  cluster: clusterScenario,
  remote: remoteScenario,
  validation: validationScenario,
};

/** `npm run bench`: runs the chosen scenarios, prints a table per scenario, writes the JSON. */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  process.env[GENERATOR_ENV] = options.generator; // the forked generator processes inherit it
  const env = environment();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`# dh-mqtt bench${options.smoke ? ' (smoke)' : ''}, ${options.rounds} round(s)`);
  log(formatEnvironment(env));
  const ctx: BenchContext = {
    smoke: options.smoke,
    rounds: options.rounds,
    cpuProfDir: options.cpuProfDir,
    brokerPods: options.brokerPods,
    pods: options.pods,
    only: options.only,
    levels: options.levels,
    log,
  };
  if (options.cpuProfDir) mkdirSync(resolve(options.cpuProfDir), { recursive: true });
  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  for (const name of options.scenarios) {
    log(`\n… ${name}`);
    try {
      const result = await SCENARIOS[name](ctx);
      results.push(result);
      log(formatScenario(result));
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push({ scenario: name, error });
      log(`\n## ${name}: FAILED\n${error}`);
    }
  }
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  writeFileSync(
    resolve(options.out),
    `${JSON.stringify({ environment: env, options, scenarios: results, failures }, null, 2)}\n`,
  );
  log(`\nresults written to ${resolve(options.out)}`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
