// `npm run infra:up` / `npm run infra:down` (docs/design.md): local Redis, PostgreSQL and Kafka
// on free ports, no Docker. `up` leaves them running in the background, writes their state to
// .infra/state.json and the variables to .infra/env, and prints the `export` lines:
//   npm run infra:up && source .infra/env    # then npm run start:broker, npm test, ...
// The DH_TEST_* twins make `npm test` reuse these servers instead of starting its own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKafka } from './kafka.mjs';
import { infraDir } from './paths.mjs';
import { commandLine, isAlive, stopPid } from './pids.mjs';
import { findPostgresBin, startPostgres } from './postgres.mjs';
import { isRoot } from './process-utils.mjs';
import { startRedis } from './redis.mjs';

const log = (line) => process.stderr.write(`${line}\n`);
const statePath = () => join(infraDir(), 'state.json');
const envPath = () => join(infraDir(), 'env');

/**
 * @typedef {{
 *   redis?: { url: string, pid: number, dataDir: string },
 *   postgres?: { url: string, dataDir: string },
 *   kafka?: { brokers: string, saslBrokers?: string, tlsBrokers?: string, tlsCaFile?: string,
 *     pid: number, dataDir: string },
 * }} InfraState
 */

/** @returns {InfraState | undefined} */
function readState() {
  if (!existsSync(statePath())) return undefined;
  return JSON.parse(readFileSync(statePath(), 'utf8'));
}

/** @param {InfraState} state */
function envLines(state) {
  const vars = {
    DH_REDIS_URL: state.redis?.url,
    DH_DATABASE_URL: state.postgres?.url,
    DH_KAFKA_BROKERS: state.kafka?.brokers,
    DH_TEST_REDIS_URL: state.redis?.url,
    DH_TEST_DATABASE_URL: state.postgres?.url,
    DH_TEST_KAFKA_BROKERS: state.kafka?.brokers,
    DH_TEST_KAFKA_SASL_BROKERS: state.kafka?.saslBrokers,
    DH_TEST_KAFKA_TLS_BROKERS: state.kafka?.tlsBrokers,
    DH_TEST_KAFKA_TLS_CA: state.kafka?.tlsCaFile,
  };
  return Object.entries(vars)
    .filter(([, value]) => value)
    .map(([name, value]) => `export ${name}=${value}`);
}

/** @param {InfraState} state */
function isRunning(state) {
  return Boolean(
    state.redis &&
    isAlive(state.redis.pid) &&
    state.kafka &&
    isAlive(state.kafka.pid) &&
    state.postgres &&
    existsSync(join(state.postgres.dataDir, 'postmaster.pid')),
  );
}

function stopPostgres(dataDir) {
  const bin = findPostgresBin();
  if (!bin || !existsSync(join(dataDir, 'postmaster.pid'))) return;
  const pgCtl = [join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'fast', '-w', 'stop'];
  const [command, ...args] = isRoot() ? ['runuser', '-u', 'postgres', '--', ...pgCtl] : pgCtl;
  spawnSync(command, args, { stdio: 'ignore' });
}

/** Stops what `state` names, checking each pid still runs the server it started. */
async function stopAll(/** @type {InfraState} */ state) {
  if (state.kafka) {
    if (commandLine(state.kafka.pid).includes(state.kafka.dataDir)) await stopPid(state.kafka.pid);
    rmSync(state.kafka.dataDir, { recursive: true, force: true });
  }
  if (state.redis) {
    if (commandLine(state.redis.pid).includes('redis-server')) await stopPid(state.redis.pid);
    rmSync(state.redis.dataDir, { recursive: true, force: true });
  }
  if (state.postgres) {
    stopPostgres(state.postgres.dataDir);
    rmSync(state.postgres.dataDir, { recursive: true, force: true });
  }
}

function writeState(/** @type {InfraState} */ state) {
  mkdirSync(infraDir(), { recursive: true });
  writeFileSync(statePath(), `${JSON.stringify(state, null, 2)}\n`);
  writeFileSync(envPath(), `${envLines(state).join('\n')}\n`);
}

async function up() {
  const previous = readState();
  if (previous && isRunning(previous)) {
    log(`[infra] already up (state in ${statePath()}); \`npm run infra:down\` stops it`);
    console.log(envLines(previous).join('\n'));
    return;
  }
  if (previous) await stopAll(previous);
  /** @type {InfraState} */
  const state = {};
  try {
    // One after another: the first run may apt-get install, and dpkg takes one client at a time.
    const redis = await startRedis({ log, stopOnExit: false });
    state.redis = { url: redis.url, pid: redis.pid, dataDir: redis.dataDir };
    writeState(state);
    const postgres = await startPostgres({ log, stopOnExit: false });
    state.postgres = { url: postgres.url, dataDir: postgres.dataDir };
    writeState(state);
    // It lives for hours and the bench measures it: compiled as a production JVM compiles.
    const kafka = await startKafka({ log, stopOnExit: false, detached: true, jit: 'full' });
    state.kafka = {
      brokers: kafka.brokers,
      saslBrokers: kafka.saslBrokers,
      tlsBrokers: kafka.tlsBrokers,
      tlsCaFile: kafka.tlsCaFile,
      pid: kafka.pid,
      dataDir: kafka.dataDir,
    };
    writeState(state);
  } catch (error) {
    await stopAll(state);
    rmSync(statePath(), { force: true });
    rmSync(envPath(), { force: true });
    throw error;
  }
  log(`[infra] up; variables in ${envPath()} (\`source ${envPath()}\`)`);
  console.log(envLines(state).join('\n'));
}

async function down() {
  const state = readState();
  if (!state) {
    log('[infra] nothing to stop');
    return;
  }
  await stopAll(state);
  rmSync(statePath(), { force: true });
  rmSync(envPath(), { force: true });
  log('[infra] down');
}

const commands = { up, down };
const command = process.argv[2];
if (!(command in commands)) {
  console.error('usage: node tools/infra/infra.mjs up|down');
  process.exit(2);
}
commands[command]().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
