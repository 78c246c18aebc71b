import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BROKER_MAIN, GATEWAY_MAIN, packageVersion } from '../paths';
import { startClusterInfra, type ClusterInfra } from './cluster-infra';
import { freePort } from './free-port';
import { BOOTSTRAP_ADMIN } from './standalone.system';
import { jvmJit, pidListeningOn, portOf, processArgs, withChildren } from './service-pids';
import type { RunningSystem } from './system';

const READY_TIMEOUT_MS = 120_000;

/** One broker or gateway process of the cluster, started from the bench build. */
class Pod {
  readonly child: ChildProcess;
  private tail = '';
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    main: string,
    readonly httpPort: number,
    env: NodeJS.ProcessEnv,
    nodeArgs: readonly string[] = [],
  ) {
    this.child = spawn(process.execPath, [...nodeArgs, main], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `/readyz` answers 200 (Kafka, Redis or the database reachable, listeners up). */
  async waitReady(): Promise<void> {
    const until = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < until) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.tail}`);
      const status = await fetch(`http://127.0.0.1:${this.httpPort}/readyz`, {
        signal: AbortSignal.timeout(3_000),
      }).then(
        async (res) => (await res.arrayBuffer(), res.status),
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${this.name} not ready after ${READY_TIMEOUT_MS} ms:\n${this.tail}`);
  }

  /** SIGTERM (the graceful drain), SIGKILL when it takes longer than the drain may. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One pod as the bench sees it: its process, `/metrics` and (brokers) MQTT URL. */
export interface PodInfo {
  readonly name: string;
  readonly pid: number;
  readonly metricsUrl: string;
  readonly url?: string;
}

/** The cluster under test: the load goes to `urls` (one per broker pod). */
export interface RunningCluster {
  /** `pid` is the first broker's; `meteredPids` every pod's (CPU is summed over the pods). */
  readonly system: RunningSystem;
  readonly urls: readonly string[];
  readonly pods: readonly PodInfo[];
  /** Processes of Kafka, Redis and PostgreSQL (postmaster and backends), listed on demand. */
  readonly services: Record<'kafka' | 'redis' | 'postgres', () => readonly number[]>;
}

/**
 * The cluster of docs/architecture.md on one machine: Redis, Kafka and PostgreSQL from
 * `tools/infra`, gateway pods (the first alone: it migrates the fresh database) and broker pods
 * with unique ids, 2 of each unless `shape` says otherwise, every pod on free ports, each its own
 * process from the bench build.
 */
export async function startCluster(
  log: (line: string) => void,
  shape = { brokers: 2, gateways: 2 },
  /** Directory for `node --cpu-prof` output of every pod (written when it stops); unset = none. */
  cpuProfDir?: string,
): Promise<RunningCluster> {
  const started = performance.now();
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const infra = await startClusterInfra(log);
  const pods: Pod[] = [];
  const stop = async () => {
    // Brokers first: their clients' requests are then no longer waiting on a gateway.
    await Promise.all(pods.filter((p) => p.name.startsWith('broker')).map((p) => p.stop()));
    await Promise.all(pods.map((p) => p.stop()));
    await infra.stop();
  };
  try {
    const suffix = randomBytes(3).toString('hex');
    const env = clusterEnv(infra, suffix);
    const addGateway = async () => {
      const http = await freePort();
      const pod = new Pod(
        `gateway-${pods.length}`,
        GATEWAY_MAIN,
        http,
        { ...env, DH_HTTP_PORT: String(http) },
        nodeArgs,
      );
      pods.push(pod);
      return pod;
    };
    await (await addGateway()).waitReady();
    for (let i = 1; i < shape.gateways; i += 1) await addGateway();
    const urls: string[] = [];
    for (let i = 0; i < shape.brokers; i += 1) {
      const [http, mqtt, ws] = [await freePort(), await freePort(), await freePort()];
      const name = `broker-${i}`;
      pods.push(
        new Pod(
          name,
          BROKER_MAIN,
          http,
          {
            ...env,
            DH_BROKER_ID: `bench-${name}-${suffix}`,
            DH_HTTP_PORT: String(http),
            DH_API_PORT: 'off',
            DH_MQTT_PORT: String(mqtt),
            DH_WS_PORT: String(ws),
          },
          nodeArgs,
        ),
      );
      urls.push(`mqtt://127.0.0.1:${mqtt}`);
    }
    await Promise.all(pods.map((p) => p.waitReady()));
    const brokerPids = pods.filter((p) => p.name.startsWith('broker')).map((p) => p.pid);
    const servicePid = (address: string) => {
      let pid: number | undefined;
      return () => (pid ??= pidListeningOn(portOf(address)));
    };
    const kafkaPid = servicePid(infra.kafkaBrokers);
    const redisPid = servicePid(infra.redisUrl);
    const postgresPid = servicePid(infra.databaseUrl);
    const list = (pid: number | undefined) => (pid === undefined ? [] : [pid]);
    const services = {
      kafka: () => list(kafkaPid()),
      redis: () => list(redisPid()),
      postgres: () => {
        const pid = postgresPid();
        return pid === undefined ? [] : withChildren(pid);
      },
    };
    for (const [name, pids] of Object.entries(services)) {
      if (pids().length === 0)
        log(`  cluster: no process found for ${name}; its CPU is not metered`);
    }
    log(
      `  cluster: ${shape.brokers} brokers + ${shape.gateways} gateways ready in ${Math.round(performance.now() - started)} ms (Redis ${infra.origin.redis}, Kafka ${infra.origin.kafka}, PostgreSQL ${infra.origin.postgres})`,
    );
    const brokerUrls = new Map(
      pods.filter((p) => p.name.startsWith('broker')).map((p, i) => [p.name, urls[i]]),
    );
    return {
      urls,
      services,
      pods: pods.map((p) => ({
        name: p.name,
        pid: p.pid,
        metricsUrl: `http://127.0.0.1:${p.httpPort}/metrics`,
        url: brokerUrls.get(p.name),
      })),
      system: {
        name: 'cluster',
        version: `aedes ${packageVersion('aedes')}, kafkajs ${packageVersion('kafkajs')}, ioredis ${packageVersion('ioredis')}, pg ${packageVersion('pg')}`,
        url: urls[0],
        pid: brokerPids[0],
        meteredPids: pods.map((p) => p.pid),
        credentials: BOOTSTRAP_ADMIN,
        settings: {
          process: `${shape.brokers} broker pods + ${shape.gateways} gateway pods, each its own process`,
          infra: `Redis ${infra.origin.redis}, Kafka ${infra.origin.kafka}, PostgreSQL ${infra.origin.postgres} (fresh database)`,
          kafkaJvm: describeKafkaJvm(kafkaPid()),
          tcpNoDelay: true,
          // Every pod gets DH_REDIS_URL: gateways reply through Redis, Kafka as the fallback.
          replies: 'gateway → owning pod through Redis (docs/adr/0013), Kafka fallback',
          cpu: `summed over the ${pods.length} pods; Kafka, Redis and PostgreSQL metered apart`,
          requestRate: 'DH_REQUEST_RATE=0 (no per-client limit: the load is the bench’s own)',
          kafkaPacing: Object.entries(benchEnv(KAFKA_PACING))
            .map(([name, value]) => `${name}=${value}`)
            .concat('unset ones: the defaults (docs/adr/0022)')
            .join(', '),
          kafkaPartitions: describePartitions(process.env['DH_KAFKA_PARTITIONS']),
          eventFeed: `DH_KAFKA_EVENT_FEED=${process.env['DH_KAFKA_EVENT_FEED'] || 'true'}`,
          login: 'every client logs in as dhadmin',
        },
        stop,
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function clusterEnv(infra: ClusterInfra, suffix: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    DH_HOST: '127.0.0.1',
    DH_KAFKA_BROKERS: infra.kafkaBrokers,
    DH_KAFKA_NAMESPACE: `bench-${suffix}.`,
    DH_REDIS_URL: infra.redisUrl,
    DH_DATABASE_URL: infra.databaseUrl,
    DH_ADMIN_PASSWORD: BOOTSTRAP_ADMIN.password,
    // The benchmark logs in with the published default, which a cluster refuses unless allowed.
    DH_ALLOW_DEFAULT_ADMIN_PASSWORD: 'true',
    // Both gateways sign and check the same tokens.
    DH_JWT_SECRET: `bench-cluster-secret-${suffix}-0123456789abcdef`,
    DH_LOG_LEVEL: 'warn',
    // The closed loops send more than the default 1,000 requests/s per client: the limit is off
    // so the tables count served requests only (docs/performance.md).
    DH_REQUEST_RATE: '0',
    DH_KAFKA_PARTITIONS: BENCH_PARTITIONS,
    ...benchEnv(PASSED_TO_PODS),
  };
}

/**
 * The partitions of the topics the pods create, sized as docs/deployment.md tells operators to:
 * 4 for the request and event topics, room for the most gateways a run starts (2, in the
 * scale-out runs), not the defaults' 12 for a dozen gateways. Each partition is a section of
 * every fetch and produce request and an append of its own in Kafka (docs/performance.md §5,
 * "Fewer partitions on a small cluster"): partitions sized for another cluster would distort the
 * figures as a rate limit sized for another load would (DH_REQUEST_RATE above).
 * `DH_KAFKA_PARTITIONS` in the bench's environment overrides it; set empty, the pods use the
 * product's defaults.
 */
const BENCH_PARTITIONS = 'requests=4,events=4';

/**
 * The Kafka JVM's compiler tiers, from its command line: a reused server of the test suites may
 * run C1 only, which costs Kafka more CPU per message than in production.
 */
function describeKafkaJvm(pid: number | undefined): string {
  const args = pid === undefined ? undefined : processArgs(pid);
  if (!args) return 'not found';
  const jit = jvmJit(args);
  return jit === 'C1 only'
    ? 'C1 only (-XX:TieredStopAtLevel=1, a test setting: Kafka costs more CPU than in production)'
    : 'C1 and C2, as in production';
}

/** The settings line's account of the partitions the pods were given. */
function describePartitions(fromEnv: string | undefined): string {
  if (fromEnv === undefined) return `${BENCH_PARTITIONS} (sized to the bench's gateways)`;
  if (fromEnv.trim() === '') return 'the defaults of libs/bus/src/kafka-topics.ts';
  return `${fromEnv} (from the environment)`;
}

/** The Kafka pacing of docs/adr/0022. */
const KAFKA_PACING = ['DH_KAFKA_FETCH_INTERVAL_MS', 'DH_KAFKA_PRODUCE_INTERVAL_MS'];

/**
 * The pacing and the partitions of the topics the pods create, passed on to the pods from the
 * bench's environment when set there (`DH_KAFKA_FETCH_INTERVAL_MS=0
 * DH_KAFKA_PRODUCE_INTERVAL_MS=0 npm run bench …` measures the cluster without the pacing,
 * `DH_KAFKA_PARTITIONS= npm run bench …` on the product's default partitions,
 * `DH_KAFKA_EVENT_FEED=false npm run bench …` without the event feed of docs/adr/0025).
 */
const PASSED_TO_PODS = [...KAFKA_PACING, 'DH_KAFKA_PARTITIONS', 'DH_KAFKA_EVENT_FEED'];

/** Those of `names` set in the bench's environment. */
function benchEnv(names: readonly string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) set[name] = value;
  }
  return set;
}
