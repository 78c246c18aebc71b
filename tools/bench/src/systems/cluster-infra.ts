import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { REPO_ROOT } from '../paths';

/** Redis database of the bench on a shared server (the cluster suites use 1–12). */
const BENCH_REDIS_DB = 15;

interface Launched {
  stop(): Promise<void>;
}
type LaunchFn<T> = (options: {
  log: (line: string) => void;
  jit?: 'quick' | 'full';
}) => Promise<T & Launched>;

/**
 * The launchers of `tools/infra` (plain Node ESM, loaded through require(esm)); each reuses the
 * server its `DH_TEST_*` variable names and starts a throw-away one otherwise.
 */
function launcher<T>(file: string, name: string): LaunchFn<T> {
  const mod = require(join(REPO_ROOT, 'tools/infra', file)) as Record<string, LaunchFn<T>>;
  return mod[name];
}

/** Redis, Kafka and a fresh PostgreSQL database for one cluster, and how to undo all of it. */
export interface ClusterInfra {
  redisUrl: string;
  kafkaBrokers: string;
  databaseUrl: string;
  /** `started` or `reused` per server, printed with the results. */
  origin: Record<'redis' | 'kafka' | 'postgres', 'started' | 'reused'>;
  stop(): Promise<void>;
}

/**
 * Starts Redis, PostgreSQL and Kafka with `tools/infra` (or reuses the `DH_TEST_*` servers, or
 * the ones `npm run infra:up` wrote to `.infra/env` when they still answer), then creates a
 * database of its own and clears the bench's Redis database.
 */
export async function startClusterInfra(log: (line: string) => void): Promise<ClusterInfra> {
  await adoptInfraEnv(log);
  const origin = {
    redis: process.env['DH_TEST_REDIS_URL'] ? 'reused' : 'started',
    kafka: process.env['DH_TEST_KAFKA_BROKERS'] ? 'reused' : 'started',
    postgres: process.env['DH_TEST_DATABASE_URL'] ? 'reused' : 'started',
  } as const;
  const started: Launched[] = [];
  const stopStarted = () => Promise.allSettled(started.map((s) => s.stop()));
  // Kafka (a JVM) takes longest: it starts while the others do.
  const startTestKafka = launcher<{ brokers: string }>('kafka.mjs', 'startTestKafka');
  // Compiled as in production (C2), not the quick JIT of the test suites' throw-away servers.
  const kafkaStart = startTestKafka({ log, jit: 'full' });
  kafkaStart.catch(() => undefined); // awaited below; only keeps it from counting as unhandled
  try {
    const redis = await launcher<{ url: string }>('redis.mjs', 'startTestRedis')({ log });
    started.push(redis);
    const postgres = await launcher<{ url: string }>('postgres.mjs', 'startTestPostgres')({ log });
    started.push(postgres);
    const kafka = await kafkaStart;
    started.push(kafka);
    const database = `bench_${randomBytes(4).toString('hex')}`;
    await withPg(postgres.url, (pg) => pg.query(`CREATE DATABASE ${database}`));
    const redisUrl = `${redis.url.replace(/\/\d*$/, '')}/${BENCH_REDIS_DB}`;
    await flushRedis(redisUrl);
    return {
      redisUrl,
      kafkaBrokers: kafka.brokers,
      databaseUrl: Object.assign(new URL(postgres.url), { pathname: `/${database}` }).toString(),
      origin,
      stop: async () => {
        await withPg(postgres.url, (pg) =>
          pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
        ).catch(() => undefined);
        await flushRedis(redisUrl).catch(() => undefined);
        await stopStarted();
      },
    };
  } catch (err) {
    const kafka = await kafkaStart.catch(() => undefined);
    if (kafka && !started.includes(kafka)) started.push(kafka);
    await stopStarted();
    throw err;
  }
}

/** Takes `.infra/env` of `npm run infra:up` as the `DH_TEST_*` servers when all three answer. */
async function adoptInfraEnv(log: (line: string) => void): Promise<void> {
  const file = join(REPO_ROOT, '.infra/env');
  if (process.env['DH_TEST_KAFKA_BROKERS'] || !existsSync(file)) return;
  const vars = Object.fromEntries(
    [...readFileSync(file, 'utf8').matchAll(/^export (DH_TEST_[A-Z_]+)=(.+)$/gm)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  const addresses = [
    vars['DH_TEST_REDIS_URL'],
    vars['DH_TEST_DATABASE_URL'],
    vars['DH_TEST_KAFKA_BROKERS'] && `kafka://${vars['DH_TEST_KAFKA_BROKERS']}`,
  ];
  if (addresses.some((a) => !a)) return;
  const answers = await Promise.all(addresses.map((a) => listening(new URL(a as string))));
  if (answers.includes(false)) return;
  log(`  cluster: reusing the servers of ${file}`);
  Object.assign(process.env, vars);
}

function listening(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.setTimeout(1_000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function withPg<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
