// jest globalSetup of the cluster suites: Redis, PostgreSQL and Kafka once for the whole run
// (reused when DH_TEST_REDIS_URL / DH_TEST_DATABASE_URL / DH_TEST_KAFKA_BROKERS are set, e.g.
// after `npm run infra:up && source .infra/env`), and one build of both apps into their own
// dist folder (not dist/broker or dist/gateway, which the build targets may be writing now).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestKafka } from '../../../../tools/infra/kafka.mjs';
import { repoRoot } from '../../../../tools/infra/paths.mjs';
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
  process.env.DH_TEST_REDIS_URL = redis.url;
  process.env.DH_TEST_DATABASE_URL = postgres.url;
  process.env.DH_TEST_CLUSTER_DIST = join(root, outDir);
}
