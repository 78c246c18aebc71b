import { Socket, connect } from 'node:net';
import { join } from 'node:path';
import { createLogger, type Logger } from '@dh-mqtt/runtime';
import { Kafka, logLevel, type Admin, type ISocketFactory, type Producer } from 'kafkajs';
import type { KafkaBusOptions } from '../kafka/kafka-bus-options';
import { createTopicWithLeaders } from '../kafka/topic-admin';

let sequence = 0;

/**
 * A port nothing listens on: `tools/infra`'s `freePort` (free-port.cjs, bound and released), the
 * one way the project chooses ports.
 */
export function deadPort(): Promise<number> {
  const infra = require(join(__dirname, '../../../../tools/infra/free-port.cjs')) as {
    freePort(host?: string): Promise<number>;
  };
  return infra.freePort('127.0.0.1');
}

/** The Kafka of this test run (jest globalSetup starts one or takes DH_TEST_KAFKA_BROKERS). */
export function testKafkaBrokers(): string[] {
  const brokers = process.env['DH_TEST_KAFKA_BROKERS'];
  if (!brokers) throw new Error('DH_TEST_KAFKA_BROKERS is not set: run the bus specs through jest');
  return brokers.split(',');
}

/**
 * Options for one isolated bus on the test Kafka: topics and groups under a namespace of their
 * own, few partitions, short fetch waits (close() waits for a fetch in flight).
 */
export function testKafkaOptions(): Required<Pick<KafkaBusOptions, 'brokers' | 'namespace'>> &
  KafkaBusOptions {
  sequence += 1;
  return {
    brokers: testKafkaBrokers(),
    namespace: `test-${process.pid}-${Date.now().toString(36)}-${sequence}.`,
    partitions: { requests: 3, replies: 4, events: 2, pushes: 2 },
    replicationFactor: 1,
    maxFetchWaitMs: 100,
    sessionTimeoutMs: 6_000,
  };
}

/** A plain kafkajs client of the test Kafka, outside any bus, its own logging off. */
export function rawKafka(): Kafka {
  return new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
}

/**
 * Creates the new `topic` through `admin` and resolves once every partition has a leader. It
 * waits as the pods do (`createTopicWithLeaders`), not as kafkajs does: on a Kafka started
 * moments before, kafkajs' own wait fails although the topic was made.
 */
export async function createLedTopic(
  admin: Admin,
  topic: string,
  numPartitions: number,
): Promise<void> {
  await createTopicWithLeaders(admin, { topic, numPartitions, replicationFactor: 1 });
}

/** A plain kafkajs producer on the test Kafka, for records the bus would never write. */
export async function rawProducer(): Promise<Producer> {
  const producer = rawKafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/** Runs `work` with a plain kafkajs admin on the test Kafka (what Kafka itself says), then disconnects. */
export async function withRawAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = rawKafka().admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** A switch between a bus and Kafka: `cut()` drops every connection and refuses new ones. */
export interface NetworkFault {
  socketFactory: ISocketFactory;
  cut(): void;
  restore(): void;
}

export function networkFault(): NetworkFault {
  const sockets = new Set<Socket>();
  let down = false;
  const refused = (): Error =>
    Object.assign(new Error('connect ECONNREFUSED (simulated outage)'), { code: 'ECONNREFUSED' });
  return {
    socketFactory: ({ host, port, onConnect }) => {
      if (down) {
        const socket = new Socket();
        process.nextTick(() => socket.destroy(refused()));
        return socket;
      }
      const socket = connect({ host, port }, onConnect);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    },
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy(refused());
    },
    restore() {
      down = false;
    },
  };
}

/** Resolves once `check` passes, polling; fails with its last error after `withinMs`. */
export async function eventually(
  check: () => void | Promise<void>,
  withinMs = 10_000,
): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A logger whose JSON lines a test can read. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'info',
    name: 'test',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

/**
 * Registers an afterEach that closes (or disconnects) everything handed to the returned
 * function during the test, last first; returns what it was given.
 */
export function closeAfterEach(): <T extends { close(): Promise<void> } | Producer>(thing: T) => T {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  return (thing) => {
    closers.push(() => ('disconnect' in thing ? thing.disconnect() : thing.close()));
    return thing;
  };
}

/**
 * Starts `bus` without waiting for the start, then waits (up to `withinMs`) until it has failed
 * to connect `failures` times; `outcome()` says whether its start() is still pending. Await
 * `started` after closing the bus.
 */
export async function startUntilItFails(
  bus: { start(): Promise<void>; counters(): { connectFailures: number } },
  failures: number,
  withinMs = 20_000,
): Promise<{ started: Promise<void>; outcome: () => 'pending' | 'resolved' | 'rejected' }> {
  let outcome: 'pending' | 'resolved' | 'rejected' = 'pending';
  const started = bus.start().then(
    () => void (outcome = 'resolved'),
    () => void (outcome = 'rejected'),
  );
  await eventually(
    () => expect(bus.counters().connectFailures).toBeGreaterThanOrEqual(failures),
    withinMs,
  );
  return { started, outcome: () => outcome };
}

/** The Redis of this test run (jest globalSetup starts one or takes DH_TEST_REDIS_URL). */
export function testRedisUrl(): string {
  const url = process.env['DH_TEST_REDIS_URL'];
  if (!url) throw new Error('DH_TEST_REDIS_URL is not set: run the bus specs through jest');
  return url;
}
