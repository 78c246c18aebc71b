// A real Apache Kafka for tests and local runs, without Docker (docs/design.md): the official jars
// from Maven Central (tools/infra/kafka/pom.xml, cached in .infra/kafka-jars-<version>), one KRaft node
// (broker + controller) in a temp dir, on free ports. Plain Node ESM: used by jest globalSetup,
// by infra.mjs and by the CLI
//   node tools/infra/kafka.mjs     # prints DH_KAFKA_BROKERS=..., stops on Ctrl-C
// Kafka 3.9 by default, any 4.x with DH_TEST_KAFKA_VERSION: kafkajs 2.2.4 speaks both (docs/deployment.md).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import kafkajs from 'kafkajs';
import { infraDir, repoRoot } from './paths.mjs';
import { isAlive, readPid, stopPid } from './pids.mjs';
import { aptInstall, freePort, run } from './process-utils.mjs';

const POM = join('tools', 'infra', 'kafka', 'pom.xml');
const READY_TIMEOUT_MS = 90_000;

/**
 * The Kafka version to run: `DH_TEST_KAFKA_VERSION` when set (e.g. `4.1.1`: the suites run on
 * the current line too, which Strimzi ships), else the one pinned in the pom (one place to change
 * the default).
 */
export function kafkaVersion() {
  const wanted = process.env.DH_TEST_KAFKA_VERSION?.trim();
  if (wanted) {
    if (!/^\d+\.\d+\.\d+$/.test(wanted)) {
      throw new Error(`DH_TEST_KAFKA_VERSION must be a release like 4.1.1, not ${wanted}`);
    }
    return wanted;
  }
  const pom = readFileSync(join(repoRoot(), POM), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error(`${POM} has no <kafka.version>`);
  return match[1];
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** @param {(line: string) => void} log */
async function ensureTools(log) {
  const missing = [];
  if (!onPath('java')) missing.push('default-jre-headless');
  if (!onPath('mvn')) missing.push('maven');
  if (missing.length === 0) return;
  log(`[infra] Kafka needs java and mvn; installing ${missing.join(', ')}`);
  await aptInstall(missing, log);
}

/**
 * The folder of the Kafka server jars, fetched with Maven on first use. Concurrent callers each
 * fetch into a folder of their own and the first rename wins, so no one sees a half-filled cache.
 * @param {(line: string) => void} log
 * @returns {Promise<string>}
 */
export async function ensureKafkaJars(log = (line) => console.log(line)) {
  const version = kafkaVersion();
  // One cache per version: switching DH_TEST_KAFKA_VERSION back and forth fetches each once.
  const jarsDir = join(infraDir(), `kafka-jars-${version}`);
  const marker = `kafka_2.13-${version}.jar`;
  if (existsSync(join(jarsDir, marker))) return jarsDir;
  await ensureTools(log);
  log(`[infra] fetching the Apache Kafka ${version} jars with Maven into ${jarsDir}`);
  mkdirSync(infraDir(), { recursive: true });
  const staging = mkdtempSync(join(infraDir(), 'kafka-jars.tmp-'));
  try {
    await run(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        join(repoRoot(), POM),
        'dependency:copy-dependencies',
        `-Dkafka.version=${version}`,
        `-DoutputDirectory=${staging}`,
        '-DincludeScope=runtime',
      ],
      { timeoutMs: 600_000 },
    );
    if (!existsSync(join(staging, marker))) throw new Error(`mvn did not produce ${marker}`);
    try {
      renameSync(staging, jarsDir);
    } catch (error) {
      if (!existsSync(join(jarsDir, marker))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return jarsDir;
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (what StorageTool prints). One id
 * in 64 would begin with `-`, which StorageTool's argument parser reads as an option ("argument
 * --cluster-id/-t: expected one argument"): such ids are drawn again.
 */
export function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The SASL/PLAIN user of the servers started here: a second listener (`saslBrokers`) accepts
 * only it, so the bus's SASL settings are tested against a real Kafka. A test credential.
 */
export const TEST_SASL_USER = 'dh-bus';
export const TEST_SASL_PASSWORD = 'dh-bus-test-password';

/**
 * A self-signed certificate for 127.0.0.1 (it is its own CA) and the PEM keystore Kafka reads
 * (private key, then the certificate), for the TLS listener; made with openssl.
 * @returns {Promise<{ caFile: string, keystore: string }>}
 */
async function makeTlsFiles(dataDir) {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      caFile,
    ],
    { timeoutMs: 60_000 },
  );
  const keystore = join(dir, 'keystore.pem');
  writeFileSync(keystore, readFileSync(keyFile, 'utf8') + readFileSync(caFile, 'utf8'));
  return { caFile, keystore };
}

function serverProperties({ dataDir, port, saslPort, tlsPort, keystore, controllerPort }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${tlsPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort},SSL://127.0.0.1:${tlsPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT',
    // The TLS listener (the bus's DH_KAFKA_SSL): a PEM keystore, no client certificates.
    'listener.name.ssl.ssl.keystore.type=PEM',
    `listener.name.ssl.ssl.keystore.location=${keystore}`,
    'listener.name.ssl.ssl.client.auth=none',
    'sasl.enabled.mechanisms=PLAIN',
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${TEST_SASL_USER}="${TEST_SASL_PASSWORD}";`,
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=1',
    // The bus creates its topics; a typo in a topic name must fail, not create a topic.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    // Fewer internal partitions: a new group's coordinator loads in a blink.
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=24',
    // Extra settings from the environment, one `key=value` per `;` (later lines win).
    ...extraProperties(process.env.DH_INFRA_KAFKA_PROPERTIES),
    '',
  ].join('\n');
}

/** `DH_INFRA_KAFKA_PROPERTIES="num.network.threads=1;num.io.threads=2"` → property lines. */
function extraProperties(value) {
  if (!value) return [];
  const lines = value
    .split(';')
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of lines) {
    if (!/^[a-z0-9_.-]+=/i.test(line))
      throw new Error(`DH_INFRA_KAFKA_PROPERTIES: not a key=value setting: ${line}`);
  }
  return lines;
}

/** Kafka 4 logs through log4j 2 (log4j 1 is gone); 3.x reads LOG4J below. */
const LOG4J2 = [
  'rootLogger.level=WARN',
  'rootLogger.appenderRef.stdout.ref=STDOUT',
  'appender.stdout.type=Console',
  'appender.stdout.name=STDOUT',
  'appender.stdout.layout.type=PatternLayout',
  'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
  'logger.raft.name=kafka.server.KafkaRaftServer',
  'logger.raft.level=INFO',
  '',
].join('\n');

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  '',
].join('\n');

/**
 * The JVM's command line. `jit: 'quick'` stops at the first compiler tier (C1): a throw-away
 * server for tests starts sooner and spends less CPU compiling, and runs its code slower. `'full'`
 * compiles hot code with C2, as a production JVM does: for servers that live long or are measured
 * (`infra:up`, the bench).
 */
function javaArgs(jarsDir, dataDir, mainClass, args, heap, jit = 'quick') {
  return [
    `-Xmx${heap}`,
    '-Xss1m',
    '-XX:+UseSerialGC',
    ...(jit === 'full' ? [] : ['-XX:TieredStopAtLevel=1']),
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(dataDir, 'log4j.properties')}`,
    `-Dlog4j2.configurationFile=${join(dataDir, 'log4j2.properties')}`,
    '-cp',
    `${jarsDir}/*`,
    mainClass,
    ...args,
  ];
}

/** Resolves once a client can talk to the broker at `brokers`; rejects when `exited()` says so. */
async function waitUntilReady(brokers, exited, timeoutMs) {
  const { Kafka, logLevel } = kafkajs;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const exit = exited();
    if (exit) throw exit;
    const admin = new Kafka({
      clientId: 'dh-infra',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch (error) {
      if (Date.now() > until) {
        throw new Error(`Kafka at ${brokers} not ready after ${timeoutMs} ms: ${error.message}`, {
          cause: error,
        });
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The pid of the Kafka server that startKafka() (or restartKafka()) started in `dataDir`, from
 * its pid file, or undefined.
 * @param {string} dataDir
 */
export function kafkaPid(dataDir) {
  return readPid(join(dataDir, 'kafka.pid'));
}

/** Starts the server of `dataDir` (configured and formatted) detached or not; writes its pid. */
function spawnServer({ jarsDir, dataDir, heap, jit, detached }) {
  const logFile = join(dataDir, 'server.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    'java',
    javaArgs(jarsDir, dataDir, 'kafka.Kafka', [join(dataDir, 'server.properties')], heap, jit),
    { stdio: ['ignore', out, out], detached },
  );
  closeSync(out);
  if (child.pid) writeFileSync(join(dataDir, 'kafka.pid'), `${child.pid}\n`);
  return child;
}

function logTail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts a throw-away single-node KRaft Kafka on 127.0.0.1 and two free ports (client and
 * controller).
 * @param {{
 *   log?: (line: string) => void,
 *   stopOnExit?: boolean,
 *   detached?: boolean,
 *   heap?: string,
 *   jit?: 'quick' | 'full',
 * }} [options]
 *   `stopOnExit` (default true) kills the server and removes its files when this process exits;
 *   `detached` (default false) lets the server outlive this process (`infra:up`);
 *   `heap` is the JVM -Xmx (default 512m); `jit` `quick` (default, C1 only) or `full` (C2 too,
 *   as in production; see javaArgs).
 * @returns {Promise<{ brokers: string, saslBrokers: string, tlsBrokers: string,
 *   tlsCaFile: string, port: number, controllerPort: number, pid: number, dataDir: string,
 *   stop(): Promise<void> }>}
 */
export async function startKafka(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const heap = options.heap ?? '512m';
  const jit = options.jit ?? 'quick';
  const jarsDir = await ensureKafkaJars(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-kafka-'));
  const logFile = join(dataDir, 'server.log');
  writeFileSync(join(dataDir, 'log4j.properties'), LOG4J);
  writeFileSync(join(dataDir, 'log4j2.properties'), LOG4J2);
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  const killSync = () => {
    // The pid file first: restartKafka() may have replaced the server.
    const pid = kafkaPid(dataDir) ?? child?.pid;
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  };
  const cleanupOnExit = () => {
    killSync();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const tls = await makeTlsFiles(dataDir);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const saslPort = await freePort();
      const tlsPort = await freePort();
      const controllerPort = await freePort();
      const properties = join(dataDir, 'server.properties');
      rmSync(join(dataDir, 'logs'), { recursive: true, force: true });
      writeFileSync(
        properties,
        serverProperties({
          dataDir,
          port,
          saslPort,
          tlsPort,
          keystore: tls.keystore,
          controllerPort,
        }),
      );
      await run(
        'java',
        javaArgs(
          jarsDir,
          dataDir,
          'kafka.tools.StorageTool',
          ['format', '-t', clusterId(), '-c', properties],
          '256m',
        ),
        { timeoutMs: 120_000 },
      );
      child = spawnServer({ jarsDir, dataDir, heap, jit, detached: options.detached ?? false });
      /** @type {Error | undefined} */
      let exitError;
      child.once('exit', (code, signal) => {
        exitError = new Error(
          `Kafka exited during start (${signal ?? `exit ${code}`}); ${logFile}:\n${logTail(logFile)}`,
        );
      });
      const brokers = `127.0.0.1:${port}`;
      try {
        await waitUntilReady(brokers, () => exitError, READY_TIMEOUT_MS);
      } catch (error) {
        killSync();
        // Another program may have taken a port between freePort() and the bind.
        if (attempt < 3 && /Address already in use/.test(logTail(logFile, 200))) continue;
        throw error;
      }
      if (options.detached) child.unref();
      if (options.stopOnExit ?? true) process.once('exit', cleanupOnExit);
      const pid = /** @type {number} */ (child.pid);
      log(`[infra] Kafka ${kafkaVersion()} (KRaft) on ${brokers}, data in ${dataDir}`);
      let stopped = false;
      return {
        brokers,
        saslBrokers: `127.0.0.1:${saslPort}`,
        tlsBrokers: `127.0.0.1:${tlsPort}`,
        tlsCaFile: tls.caFile,
        port,
        controllerPort,
        pid,
        dataDir,
        async stop() {
          if (stopped) return;
          stopped = true;
          process.removeListener('exit', cleanupOnExit);
          // The pid file, not `pid`: restartKafka() may have replaced the server.
          await stopPid(kafkaPid(dataDir) ?? pid);
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    cleanupOnExit();
    throw error;
  }
}

/**
 * Starts the server of `dataDir` again, with its configuration and log (same ports, same
 * cluster, same topics and committed offsets), after it was stopped or killed: the fault tests'
 * "Kafka comes back". The server is detached (it outlives the caller, like the one it replaces)
 * and the pid file names it, so the stop() of startKafka() stops it.
 * @param {{ dataDir: string, heap?: string, log?: (line: string) => void }} options
 * @returns {Promise<{ brokers: string, pid: number }>}
 */
export async function restartKafka({ dataDir, heap = '512m', log = (line) => console.log(line) }) {
  const running = kafkaPid(dataDir);
  if (running && isAlive(running)) throw new Error(`Kafka still runs in ${dataDir} (${running})`);
  const properties = readFileSync(join(dataDir, 'server.properties'), 'utf8');
  const match = /^advertised\.listeners=PLAINTEXT:\/\/([^,\s]+)/m.exec(properties);
  if (!match) throw new Error(`${dataDir}/server.properties names no PLAINTEXT listener`);
  const brokers = match[1];
  const jarsDir = await ensureKafkaJars(log);
  const child = spawnServer({ jarsDir, dataDir, heap, detached: true });
  /** @type {Error | undefined} */
  let exitError;
  const logFile = join(dataDir, 'server.log');
  child.once('exit', (code, signal) => {
    exitError = new Error(
      `Kafka exited during restart (${signal ?? `exit ${code}`}); ${logFile}:\n${logTail(logFile)}`,
    );
  });
  await waitUntilReady(brokers, () => exitError, READY_TIMEOUT_MS);
  child.unref();
  log(`[infra] Kafka restarted on ${brokers}`);
  return { brokers, pid: /** @type {number} */ (child.pid) };
}

/**
 * The Kafka of a test run: `DH_TEST_KAFKA_BROKERS` when set (nothing started, stop is a no-op),
 * else a fresh server from startKafka().
 * @param {{ log?: (line: string) => void, jit?: 'quick' | 'full' }} [options]
 */
export async function startTestKafka(options = {}) {
  const given = process.env.DH_TEST_KAFKA_BROKERS;
  if (given) return { brokers: given, stop: () => Promise.resolve() };
  return startKafka(options);
}

// CLI: the basename check (not import.meta) and no top-level await keep this file loadable as
// CommonJS by jest's transform.
async function main() {
  const server = await startKafka();
  console.log(`DH_KAFKA_BROKERS=${server.brokers}`);
  const shutdown = () => server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && basename(process.argv[1]) === 'kafka.mjs') {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
