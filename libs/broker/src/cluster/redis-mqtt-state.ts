// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types of an untyped package, not a module to import
/// <reference path="./aedes-persistence-redis.d.ts" />
import { backoffDelay, silentLogger, type Backoff, type Logger } from '@dh-mqtt/runtime';
import createPersistence from 'aedes-persistence-redis';
import { Redis } from 'ioredis';
import createRedisEmitter from 'mqemitter-redis';
import { emitterClosing, emitterErrors } from '../aedes-internals';
import type { SessionClock } from '../limits/session-expiry';
import { coalesceRedisWrites } from './coalesce-writes';
import { onceAcrossPods } from './once-across-pods';
import { redactedUrl } from './redis-connection';
import { RedisSessionClock } from './redis-session-clock';

export interface RedisMqttStateOptions {
  /** `DH_REDIS_URL` (`redis://` or `rediss://`, credentials and db index allowed). */
  url: string;
  /** This broker's id: names its Redis connections (`CLIENT LIST`); must be unique per pod. */
  brokerId: string;
  logger?: Logger;
  /** Reconnect backoff while Redis is unreachable, in ms (default 200 doubling up to 5 000). */
  retry?: Partial<Backoff>;
  /** Offline QoS 1 messages delivered to a persistent session on CONNECT (default 1000). */
  maxSessionDelivery?: number;
}

/**
 * The MQTT state a broker pod shares with the others (docs/design.md, cluster column):
 * `persistence` (aedes-persistence-redis: sessions, subscriptions, offline QoS 1 queues,
 * retained messages, wills) and `mq` (mqemitter-redis: every publish reaches every pod). Pass
 * both to `createBroker`.
 */
export interface RedisMqttState {
  /** For aedes `persistence`. */
  readonly persistence: object;
  /** For aedes `mq`; closed by the broker's `close()`, or here when no broker took it. */
  readonly mq: object;
  /** When persistent sessions went away, for session expiry on any pod (a sorted set). */
  readonly sessionClock: SessionClock;
  /** Offline QoS 1 messages stored for a session (`createBroker`'s `offlineQueueLength`). */
  offlineQueueLength(clientId: string): Promise<number>;
  /**
   * Runs `work` for `key` on one pod only, and on another one if that pod dies mid-work
   * ({@link onceAcrossPods}); resolves true when this pod did it.
   */
  once(key: string, work: () => Promise<void>): Promise<boolean>;
  /**
   * Messages this pod published into the shared fabric (Redis `PUBLISH`) and received from it
   * (every message of a channel or pattern it subscribes, its own included), since it started.
   */
  fabricCounters(): FabricCounters;
  /**
   * The pod's three Redis connections by role (`persistence`, `mq-sub`, `mq-pub`), for their
   * error and reconnect metrics.
   */
  readonly connections: ReadonlyArray<{ role: string; connection: Redis }>;
  /** True while all three Redis connections are ready (readiness probe). */
  isReady(): boolean;
  /**
   * Resolves once all connections are ready, retrying with backoff meanwhile (each failure is
   * logged, never thrown). Rejects only when `close()` is called first.
   */
  ready(): Promise<void>;
  /** Destroys the persistence and closes the emitter. Call after the broker's `close()`. */
  close(): Promise<void>;
}

/** Traffic of one pod on the shared MQTT fabric. */
export interface FabricCounters {
  published: number;
  received: number;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 200, maxMs: 5_000 };
/** Longest wait for each close step against a Redis that does not answer. */
const CLOSE_STEP_MS = 1_000;

type Emit = (message: { topic: string }, done?: (err?: Error) => void) => void;

/**
 * aedes keeps publishing `$SYS` notices (unsubscribes, disconnects) of the clients it is closing
 * after it has asked the emitter to close; their PUBLISH then fails on the quitting connection
 * and the error escapes as an unhandled rejection. A pod that is going away drops them instead.
 */
function dropPublishesWhileClosing(mq: object, counters: FabricCounters): void {
  const emitter = mq as { emit: Emit };
  const emit = emitter.emit.bind(emitter) as Emit;
  emitter.emit = (message, done) => {
    if (emitterClosing(mq)) {
      if (done) process.nextTick(done);
      return;
    }
    counters.published += 1;
    emit(message, done);
  };
}

/** `work`, or resolves after CLOSE_STEP_MS without it (a close must never hang). */
function bounded(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_STEP_MS);
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Builds the Redis-backed MQTT state of one broker pod. Connections start at once and keep
 * reconnecting with capped exponential backoff; a Redis that is down at start or goes away later
 * is logged (with the URL's password removed) and retried, never a crash.
 */
export function createRedisMqttState(options: RedisMqttStateOptions): RedisMqttState {
  const logger = (options.logger ?? silentLogger()).child({ component: 'redis' });
  const backoff = { ...DEFAULT_BACKOFF, ...options.retry };
  const where = redactedUrl(options.url);
  let closed = false;

  const connect = (role: string): Redis => {
    const connection = new Redis(options.url, {
      connectionName: `dh-broker:${options.brokerId}:${role}`,
      retryStrategy: (attempt) => (closed ? null : backoffDelay(backoff, attempt)),
      lazyConnect: false,
    });
    // An event's claim, fabric PUBLISH and done mark: the commands of one pass, one socket write.
    coalesceRedisWrites(connection);
    let failures = 0;
    connection.on('error', (err: Error) => {
      failures += 1;
      // First failure and then every tenth: a down Redis is one clear line, not a flood.
      if (failures === 1 || failures % 10 === 0) {
        logger.warn(
          { role, redis: where, failures, err: err.message },
          'Redis unreachable; retrying with backoff',
        );
      }
    });
    connection.on('ready', () => {
      if (failures > 0) logger.info({ role, redis: where }, 'Redis connection restored');
      failures = 0;
    });
    return connection;
  };

  const db = connect('persistence');
  const sub = connect('mq-sub');
  const pub = connect('mq-pub');
  const connections = [db, sub, pub];

  const persistence = createPersistence({
    conn: db,
    maxSessionDelivery: options.maxSessionDelivery,
  });
  // aedes' own default emitter settings, so topic matching is the same as in memory.
  const mq = createRedisEmitter({ subConn: sub, pubConn: pub, matchEmptyLevels: true });
  // mqemitter-redis re-emits connection errors here; without a listener they would throw.
  emitterErrors(mq).on('error', () => undefined);
  const fabric: FabricCounters = { published: 0, received: 0 };
  dropPublishesWhileClosing(mq, fabric);
  // mqemitter-redis handles both events; one more listener counts what reaches this pod.
  const received = () => void (fabric.received += 1);
  sub.on('messageBuffer', received);
  sub.on('pmessageBuffer', received);

  const isReady = () => !closed && connections.every((c) => c.status === 'ready');

  let closing: Promise<void> | undefined;
  return {
    persistence,
    mq,
    sessionClock: new RedisSessionClock(db),
    fabricCounters: () => ({ ...fabric }),
    connections: [
      { role: 'persistence', connection: db },
      { role: 'mq-sub', connection: sub },
      { role: 'mq-pub', connection: pub },
    ],
    isReady,
    // aedes-persistence-redis 12 keeps a session's queue in the list `outgoing:<clientId>`.
    offlineQueueLength: (clientId) => db.llen(`outgoing:${encodeURIComponent(clientId)}`),
    once: (key, work) => onceAcrossPods(db, options.brokerId, `dh:once:${key}`, work),
    ready: () =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (closed) return done(new Error('Redis MQTT state closed before it was ready'));
          if (isReady()) return done();
        };
        const timer = setInterval(check, 50);
        const done = (err?: Error) => {
          clearInterval(timer);
          if (err) reject(err);
          else resolve();
        };
        check();
      }),
    close: () =>
      (closing ??= (async () => {
        const wasReady = isReady();
        closed = true;
        // Commands still queued (aedes writes a session's last state as its client goes) are
        // answered before the PING: wait for them, or destroy() would cut them off.
        if (wasReady) await bounded(db.ping().then(() => undefined));
        await bounded(new Promise<void>((resolve) => mq.close(() => resolve())));
        // After the emitter: the persistence's unsubscribe from it then fails fast.
        await bounded(persistence.destroy());
        // A connection that never came up has no stream to end, and its 'end' never comes
        // through quit() (ioredis 5): cut it; an ended one must be left alone (disconnect()
        // would arm a timer nobody clears).
        for (const connection of connections) {
          if (connection.status !== 'end') connection.disconnect();
        }
      })()),
  };
}
