import { backoffDelay, pause, type Logger } from '@dh-mqtt/runtime';
import type { Consumer, EachMessagePayload, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { CLIENT_RETRY } from './kafka-bus-options';
import { paceFetches } from './fetch-pacing';
import { OffsetTracker } from './offset-tracker';

export interface GroupConsumerOptions {
  kafka: Kafka;
  logger: Logger;
  groupId: string;
  topic: string;
  /** Where a partition without a committed offset starts (true: the oldest record). */
  fromBeginning: boolean;
  /**
   * How offsets are committed: `'caller'` — never by this class (the caller commits with
   * `commit()`); a number — this class commits the offset past each record `eachMessage` has
   * finished, at most once per that many ms and when it stops. kafkajs' own autoCommit is not
   * used: it commits after every fetched batch and waits for it before the next fetch, one
   * OffsetCommit round trip per record on a quiet cluster (docs/performance.md).
   */
  commits: 'caller' | { everyMs: number };
  /**
   * Partitions whose records `eachMessage` handles at the same time (default 1: kafkajs hands
   * over one partition's batch after the other). Records of one partition stay one at a time.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one partition `eachMessage` may handle at the same time (default 1; only with
   * `commits: { everyMs }`). Above 1 the next record is handed over as soon as the previous one's
   * `eachMessage` has *started* and fewer than this many of the partition are unfinished: they
   * start in offset order, and a handler that issues its first I/O in order (one Redis connection)
   * keeps that order. Offsets are committed only past finished records (`OffsetTracker`), so a pod
   * that dies re-delivers every unfinished one (at least once).
   */
  inFlightPerPartition?: number;
  sessionTimeoutMs: number;
  maxFetchWaitMs: number;
  /**
   * Shortest time in ms from the start of a fetch of two records or more to the start of the next
   * (0 or unset: at once); `onPacingHold` is told each hold, in ms (docs/adr/0022).
   */
  fetchIntervalMs?: number;
  onPacingHold?(ms: number): void;
  /** What a record counts for in the pacing's record count (default 1; `FetchPacing.weigh`). */
  weighRecord?(message: KafkaMessage): number;
  partitionAssigners?: PartitionAssigner[];
  eachMessage(payload: EachMessagePayload): Promise<void>;
  /**
   * Called synchronously when the consumer has joined its group, before its first fetch: the
   * place for `consumer.seek()` (kafkajs applies seeks at the next fetch).
   */
  onJoin?(partitions: number[], consumer: Consumer): void;
  /** Joined or left the group (readiness). */
  onStateChange?(): void;
  /** A rebalance began: the partitions held so far are about to be revoked. */
  onRebalancing?(): void;
  /** Called with every consumer created (metrics: `KafkaInstrumentation.instrumentConsumer`). */
  instrument?(consumer: Consumer): void;
  /**
   * Pause before a failed consumer is restarted: first and cap in ms, doubling in between and
   * back to the first after a successful join (kafkajs alone would retry every few hundred ms
   * for as long as Kafka is away).
   */
  restartDelay: { initialMs: number; maxMs: number };
}

const JOIN_TIMEOUT_MS = 30_000;
/** Longest wait at stop() for records still being handled (`inFlightPerPartition`). */
const STOP_WAIT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One kafkajs consumer in a group, kept running: `start()` resolves once it has joined (rejects
 * when it cannot, for the caller's start-up retry); afterwards kafkajs restarts it after
 * retriable failures, and a consumer that failed for good is replaced after a delay. `joined`
 * is false from a failure until the next successful join.
 */
export class GroupConsumer {
  private consumer: Consumer | undefined;
  private joinedGroup = false;
  private stopped = false;
  private recreateTimer: NodeJS.Timeout | undefined;
  /** Restarts since the consumer last joined its group: the backoff's attempt number. */
  private restarts = 0;
  private readonly stopping = new AbortController();
  /** Progress of records handled but not committed yet (`commits: { everyMs }`). */
  private readonly progress = new OffsetTracker();
  private commitTimer: NodeJS.Timeout | undefined;
  /** Unfinished records by partition (`inFlightPerPartition` above 1). */
  private readonly unfinished = new Map<number, Set<Promise<void>>>();

  constructor(private readonly options: GroupConsumerOptions) {}

  /** The current backoff (the runtime's `backoffDelay`, reset when the consumer joins). */
  private get restartDelayMs(): number {
    return backoffDelay(this.options.restartDelay, this.restarts + 1);
  }

  get joined(): boolean {
    return this.joinedGroup;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const consumer = this.create();
    this.consumer = consumer;
    const joined = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topic: this.options.topic,
        fromBeginning: this.options.fromBeginning,
      });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachMessage: this.eachMessage,
      });
      await withTimeout(joined, JOIN_TIMEOUT_MS, `joining group ${this.options.groupId}`);
    } catch (error) {
      this.consumer = undefined;
      await this.disconnect(consumer);
      throw error;
    }
  }

  /** Leaves the group and disconnects (bounded: a Kafka that is down does not block it). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.recreateTimer);
    // Bounded: a handler stuck on a service that went away must not hold the pod's shutdown (its
    // record is not committed and is read again by another pod).
    await withTimeout(this.finishUnfinished(), STOP_WAIT_MS, 'finishing records').catch(
      () => undefined,
    );
    await this.flushProgress();
    const consumer = this.consumer;
    this.consumer = undefined;
    this.setJoined(false);
    if (consumer) await this.disconnect(consumer);
  }

  private readonly eachMessage = async (payload: EachMessagePayload): Promise<void> => {
    const { commits } = this.options;
    if (commits === 'caller') return this.options.eachMessage(payload);
    const { partition, message } = payload;
    this.progress.begin(partition, message.offset);
    const handled = this.options.eachMessage(payload).finally(() => {
      this.progress.end(partition, message.offset);
      this.commitTimer ??= setTimeout(() => void this.flushProgress(), commits.everyMs);
    });
    const window = this.options.inFlightPerPartition ?? 1;
    if (window <= 1) return handled;
    let open = this.unfinished.get(partition);
    if (!open) this.unfinished.set(partition, (open = new Set()));
    const settled = handled.catch(() => undefined);
    open.add(settled);
    void settled.then(() => open.delete(settled));
    // kafkajs hands over the partition's next record when this resolves.
    while (open.size >= window) await Promise.race(open);
  };

  /** Resolves when every record handed to `eachMessage` so far has finished. */
  private async finishUnfinished(): Promise<void> {
    const all = [...this.unfinished.values()].flatMap((open) => [...open]);
    await Promise.all(all);
  }

  /** Commits what `eachMessage` finished (a failed commit is retried at the next flush). */
  private async flushProgress(): Promise<void> {
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    const offsets = this.progress.takeCommits();
    if (offsets.length > 0 && !(await this.commit(offsets))) this.progress.restore(offsets);
  }

  /** Stops fetching (records already fetched may still be handed to eachMessage). */
  pause(): void {
    this.consumer?.pause([{ topic: this.options.topic }]);
  }

  /** Commits offsets of the topic; false when the consumer cannot (not running, rebalanced). */
  async commit(offsets: Array<{ partition: number; offset: string }>): Promise<boolean> {
    const consumer = this.consumer;
    if (!consumer || offsets.length === 0) return offsets.length === 0;
    try {
      await consumer.commitOffsets(offsets.map((o) => ({ topic: this.options.topic, ...o })));
      return true;
    } catch (error) {
      this.options.logger.debug(
        { err: error, groupId: this.options.groupId },
        'offset commit failed',
      );
      return false;
    }
  }

  private create(): Consumer {
    const { kafka, groupId, topic } = this.options;
    paceFetches(groupId, {
      intervalMs: this.options.fetchIntervalMs ?? 0,
      onHold: this.options.onPacingHold,
      weigh: this.options.weighRecord,
    });
    // Failures before the first join are start()'s to report and retry; later ones are this
    // class's (kafkajs restarts the consumer after a backoff, or it is recreated).
    let hasJoined = false;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(this.options.sessionTimeoutMs / 3)),
      maxWaitTimeInMs: this.options.maxFetchWaitMs,
      allowAutoTopicCreation: false,
      retry: {
        ...CLIENT_RETRY,
        retries: 5,
        restartOnFailure: async () => hasJoined && this.pauseBeforeRestart(),
      },
      ...(this.options.partitionAssigners
        ? { partitionAssigners: this.options.partitionAssigners }
        : {}),
    });
    this.options.instrument?.(consumer);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      hasJoined = true;
      this.restarts = 0;
      const partitions = payload.memberAssignment[topic] ?? [];
      this.progress.retain(partitions);
      this.options.onJoin?.(partitions, consumer);
      this.setJoined(true);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.setJoined(false);
      if (this.stopped || consumer !== this.consumer || !hasJoined) return;
      this.options.logger.error(
        { err: payload.error, groupId, restart: payload.restart },
        payload.restart ? 'Kafka consumer failed; kafkajs restarts it' : 'Kafka consumer failed',
      );
      if (!payload.restart) this.scheduleRecreate();
    });
    consumer.on(consumer.events.STOP, () => this.setJoined(false));
    consumer.on(consumer.events.REBALANCING, () => this.options.onRebalancing?.());
    return consumer;
  }

  /** kafkajs' restartOnFailure: waits the current backoff; no restart once stopped. */
  private async pauseBeforeRestart(): Promise<boolean> {
    const delay = this.restartDelayMs;
    this.restarts += 1;
    await pause(delay, this.stopping.signal);
    return !this.stopped;
  }

  /** A consumer kafkajs gave up on: disconnect it and start a new one, until one joins. */
  private scheduleRecreate(): void {
    clearTimeout(this.recreateTimer);
    this.recreateTimer = setTimeout(() => {
      const old = this.consumer;
      void (async () => {
        if (old) await this.disconnect(old);
        if (this.stopped) return;
        try {
          await this.start();
        } catch (error) {
          this.options.logger.error(
            { err: error, groupId: this.options.groupId },
            'Kafka consumer restart failed',
          );
          if (!this.stopped) this.scheduleRecreate();
        }
      })();
    }, this.restartDelayMs);
  }

  private setJoined(joined: boolean): void {
    if (this.joinedGroup === joined) return;
    this.joinedGroup = joined;
    this.options.onStateChange?.();
  }

  private async disconnect(consumer: Consumer): Promise<void> {
    await withTimeout(consumer.disconnect(), 10_000, 'disconnecting a Kafka consumer').catch(
      (error: unknown) =>
        this.options.logger.warn(
          { err: error, groupId: this.options.groupId },
          'Kafka consumer did not disconnect cleanly',
        ),
    );
  }
}
