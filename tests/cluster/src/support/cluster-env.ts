import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The services and build of the run, set by global-setup.mjs (or given by the environment). */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the cluster suites through their jest config ` +
        '(tests/cluster/jest.config.cjs), whose globalSetup starts the services',
    );
  }
  return value;
}

/** `redis://127.0.0.1:<port>` without a database index. */
export const testRedisUrl = (): string => required('DH_TEST_REDIS_URL').replace(/\/\d*$/, '');
export const testKafkaBrokers = (): string => required('DH_TEST_KAFKA_BROKERS');
/** The server's maintenance database URL; suites create databases of their own on it. */
export const testDatabaseUrl = (): string => required('DH_TEST_DATABASE_URL');
/** The folder the apps were built into (`<dist>/apps/broker/src/main.js`). */
export const clusterDist = (): string => required('DH_TEST_CLUSTER_DIST');
/**
 * The pid of the run's Kafka server, to freeze it (SIGSTOP) in the faults suite: the one its pid
 * file names now when the run started it (the service-restart suite replaces it), else the one
 * global-setup found.
 */
export function testKafkaPid(): number {
  const dir = process.env['DH_TEST_KAFKA_DIR'];
  if (dir) {
    const pid = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim());
    if (pid) return pid;
  }
  return Number(required('DH_TEST_KAFKA_PID'));
}
/** The data folder of the run's own Kafka (config, log, pid file), like testRedisDir(). */
export const testKafkaDir = (): string => required('DH_TEST_KAFKA_DIR');
/**
 * The folder of the run's own Redis (pid file, log), to SIGKILL and restart it in the
 * service-restart suite; unset when the run reuses `infra:up` services, which it must not kill.
 */
export const testRedisDir = (): string => required('DH_TEST_REDIS_DIR');
/** The data folder of the run's own PostgreSQL (postmaster.pid), like testRedisDir(). */
export const testPostgresDir = (): string => required('DH_TEST_POSTGRES_DIR');
