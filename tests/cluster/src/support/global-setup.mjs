// jest globalSetup of the cluster suites: Redis, PostgreSQL and Kafka once for the whole run
// (reused when DH_TEST_REDIS_URL / DH_TEST_DATABASE_URL / DH_TEST_KAFKA_BROKERS are set, e.g.
// after `npm run infra:up && source .infra/env`), and one build of both apps into their own
// dist folder (not dist/broker or dist/gateway, which the build targets may be writing now).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestKafka } from '../../../../tools/infra/kafka.mjs';
import { infraDir, repoRoot } from '../../../../tools/infra/paths.mjs';
import { startTestPostgres } from '../../../../tools/infra/postgres.mjs';
import { startTestRedis } from '../../../../tools/infra/redis.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

function build(root, outDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['tools/scripts/build.mjs', '--out', outDir, 'apps/broker', 'apps/gateway', 'libs'],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`build of the apps failed (exit ${code})`)),
    );
  });
}

/**
 * The pid of the Kafka server (the faults suite freezes it): ours, or the one `npm run infra:up`
 * started when its state file names the same address.
 */
function kafkaPid(server) {
  if (server.pid) return server.pid;
  const state = join(infraDir(), 'state.json');
  if (!existsSync(state)) return undefined;
  const kafka = JSON.parse(readFileSync(state, 'utf8')).kafka;
  return kafka?.brokers === server.brokers ? kafka.pid : undefined;
}

export default async function setup() {
  const root = repoRoot();
  const outDir = join('dist', 'cluster-tests');
  const started = [];
  globalThis.__DH_CLUSTER_INFRA__ = started;
  const track = async (promise) => {
    const server = await promise;
    started.push(server);
    return server;
  };
  // Kafka takes the longest: it starts while the others start and the apps build.
  const kafka = track(startTestKafka({ log }));
  kafka.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled
  const redis = await track(startTestRedis({ log }));
  const postgres = await track(startTestPostgres({ log }));
  await build(root, outDir);
  process.env.DH_TEST_KAFKA_BROKERS = (await kafka).brokers;
  const pid = kafkaPid(await kafka);
  if (pid) process.env.DH_TEST_KAFKA_PID = String(pid);
  if ((await kafka).dataDir) process.env.DH_TEST_KAFKA_DIR = (await kafka).dataDir;
  // Only the servers started here: the restart suite may SIGKILL and restart them.
  if (redis.dataDir) process.env.DH_TEST_REDIS_DIR = redis.dataDir;
  if (postgres.dataDir) process.env.DH_TEST_POSTGRES_DIR = postgres.dataDir;
  process.env.DH_TEST_REDIS_URL = redis.url;
  process.env.DH_TEST_DATABASE_URL = postgres.url;
  process.env.DH_TEST_CLUSTER_DIST = join(root, outDir);
}
