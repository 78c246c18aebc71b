import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { testDatabaseUrl, testKafkaBrokers, testRedisUrl } from './cluster-env';
import { PodProcess, freePort } from './pod-process';

/** The bootstrap admin of every test cluster (docs/api/README.md). */
export const ADMIN = { username: 'dhadmin', password: 'cluster-test-admin-1' } as const;
/** The bootstrap sample device (network 1, device type 1). */
export const SAMPLE_DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

export interface ClusterOptions {
  /** Names the database, Kafka namespace and log lines; letters, digits and dashes. */
  name: string;
  /** Redis database index of this suite (1–15), flushed at start and at close. */
  redisDb: number;
  brokers?: number;
  gateways?: number;
  /** Extra variables for every pod. */
  env?: Record<string, string>;
  /** Extra variables for the gateway pods only. */
  gatewayEnv?: Record<string, string>;
  /** Server settings for this suite's database (`ALTER DATABASE … SET`), before any pod starts. */
  databaseSettings?: Record<string, string>;
}

/** A cluster of pods on the run's Kafka, Redis and PostgreSQL, isolated from other suites. */
export interface TestCluster {
  readonly brokers: PodProcess[];
  readonly gateways: PodProcess[];
  /** The variables every pod got. */
  readonly env: Record<string, string>;
  /** Starts one more broker pod (not waited for). */
  addBroker(env?: Record<string, string>): Promise<PodProcess>;
  /** Starts one more gateway pod (not waited for). */
  addGateway(env?: Record<string, string>): Promise<PodProcess>;
  /** Kills every pod still running, drops the database, flushes the Redis database. */
  close(): Promise<void>;
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

/** Starts the gateways (first one alone: it migrates the fresh database), then the brokers. */
export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const suffix = randomBytes(3).toString('hex');
  const database = `cluster_${options.name.replace(/-/g, '_')}_${suffix}`;
  const serverUrl = testDatabaseUrl();
  await withPg(serverUrl, async (pg) => {
    await pg.query(`CREATE DATABASE ${database}`);
    for (const [name, value] of Object.entries(options.databaseSettings ?? {})) {
      await pg.query(`ALTER DATABASE ${database} SET ${name} = ${pg.escapeLiteral(value)}`);
    }
  });
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
  const redisUrl = `${testRedisUrl()}/${options.redisDb}`;
  await flushRedis(redisUrl);

  const env: Record<string, string> = {
    DH_HOST: '127.0.0.1',
    DH_KAFKA_BROKERS: testKafkaBrokers(),
    DH_KAFKA_NAMESPACE: `${options.name}-${suffix}.`,
    // Kafka's minimum: a killed pod's partitions move on within seconds, not half a minute.
    DH_KAFKA_SESSION_TIMEOUT_MS: '6000',
    DH_REDIS_URL: redisUrl,
    DH_DATABASE_URL: databaseUrl,
    DH_ADMIN_PASSWORD: ADMIN.password,
    DH_JWT_SECRET: `cluster-test-secret-${suffix}-0123456789abcdef`,
    // Below the session timeout: a request stuck on a killed gateway is answered 503 before
    // its redelivery could run it a second time.
    DH_REQUEST_TIMEOUT_MS: '5000',
    DH_SHUTDOWN_TIMEOUT_MS: '15000',
    // DH_TEST_POD_LOG_LEVEL=debug (with DH_TEST_POD_LOG_DIR) shows kafkajs' own joins and fetches.
    DH_LOG_LEVEL: process.env['DH_TEST_POD_LOG_LEVEL'] ?? 'info',
    ...options.env,
  };
  const brokers: PodProcess[] = [];
  const gateways: PodProcess[] = [];

  const addGateway = async (extra: Record<string, string> = {}) => {
    const http = await freePort();
    const pod = new PodProcess(
      'gateway',
      `gateway-${gateways.length}`,
      { http },
      {
        ...env,
        ...options.gatewayEnv,
        DH_HTTP_PORT: String(http),
        ...extra,
      },
    );
    gateways.push(pod);
    return pod;
  };
  const addBroker = async (extra: Record<string, string> = {}) => {
    const [http, mqtt, ws, api] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const name = `broker-${brokers.length}`;
    const pod = new PodProcess(
      'broker',
      name,
      { http, mqtt, api },
      {
        ...env,
        DH_BROKER_ID: `${name}-${suffix}`,
        DH_HTTP_PORT: String(http),
        DH_API_PORT: String(api),
        DH_MQTT_PORT: String(mqtt),
        DH_WS_PORT: String(ws),
        ...extra,
      },
    );
    brokers.push(pod);
    return pod;
  };

  const close = async () => {
    await Promise.all([...brokers, ...gateways].map((pod) => pod.stop('SIGKILL')));
    // DH_TEST_POD_LOG_DIR=<dir>: keep every pod's output (one file per pod) for a post-mortem.
    const logDir = process.env['DH_TEST_POD_LOG_DIR'];
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const pod of [...brokers, ...gateways]) {
        writeFileSync(join(logDir, `${options.name}-${suffix}-${pod.name}.log`), pod.output);
      }
    }
    await withPg(serverUrl, (pg) => pg.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await flushRedis(redisUrl);
  };

  try {
    const gatewayCount = options.gateways ?? 2;
    if (gatewayCount > 0) await (await addGateway()).waitReady();
    for (let i = 1; i < gatewayCount; i++) await addGateway();
    for (let i = 0; i < (options.brokers ?? 2); i++) await addBroker();
    await Promise.all([...brokers, ...gateways].map((pod) => pod.waitReady()));
  } catch (error) {
    await close();
    throw error;
  }
  return { brokers, gateways, env, addBroker, addGateway, close };
}
