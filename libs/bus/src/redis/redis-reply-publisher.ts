import type { ErrorCode } from '@dh-mqtt/protocol';
import type { Logger } from '@dh-mqtt/runtime';
import type { Redis } from 'ioredis';
import type {
  RedisRepliesOptions,
  ReplyCounters,
  ReplyFallbackReason,
} from '../kafka/kafka-bus-options';
import { closeConnection, replyConnection } from './reply-connection';
import { frame, frameItem, replyChannel } from './reply-frame';

/** Where a reply went: `redis` (a subscriber of the pod's channel got it), or why it did not. */
export type PublishOutcome = 'redis' | ReplyFallbackReason;

export interface RedisReplyPublisherOptions {
  redis: RedisRepliesOptions;
  namespace: string;
  logger: Logger;
  counters: ReplyCounters;
  /** Names the connection (`CLIENT LIST`). */
  connectionName: string;
  /** At most this many replies, and about this many bytes, per `SPUBLISH` (500 / 256 KiB). */
  limits?: { maxItems: number; maxBytes: number };
}

interface Entry {
  item: string;
  resolve(outcome: PublishOutcome): void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
/** After a failed or timed-out `SPUBLISH`, replies skip Redis this long (no wait per reply). */
const COOL_DOWN_MS = 1_000;

/**
 * The gateway's end of the Redis reply path (ADR 0013). `publish` queues a reply for the pod
 * that owns the request; replies queued in one event-loop turn, and those queued while the
 * previous `SPUBLISH`es are answered, leave together: one `SPUBLISH` per pod (group commit, as the
 * Kafka producer's batches). Each `publish` resolves with where the reply went and never rejects:
 * `redis` when Redis counted a subscriber, else the reason the caller must send it over Kafka —
 * `no_receiver` (the pod is gone, not subscribed yet or reconnecting), `redis_error` (the command
 * failed or timed out: the pod may have got it too, and keeps the first copy), `redis_down` (no
 * connection, or a recent failure: no wait at all).
 */
export class RedisReplyPublisher {
  private readonly connection: Redis;
  private readonly limits: { maxItems: number; maxBytes: number };
  private pending = new Map<string, Entry[]>();
  private scheduled = false;
  private inFlight = false;
  private closed = false;
  private coolDownUntil = 0;

  constructor(private readonly options: RedisReplyPublisherOptions) {
    this.limits = options.limits ?? { maxItems: 500, maxBytes: 256 * 1024 };
    this.connection = replyConnection(
      options.redis,
      options.connectionName,
      options.logger,
      () => this.closed,
      {
        // Down = fall back at once, never queue behind a reconnect.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: options.redis.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      },
    );
  }

  /** True while the connection is up (the path is usable; `/readyz` does not depend on it). */
  get ready(): boolean {
    return !this.closed && this.connection.status === 'ready';
  }

  publish(brokerId: string, value: string, failure?: ErrorCode): Promise<PublishOutcome> {
    if (!this.ready || Date.now() < this.coolDownUntil) return Promise.resolve('redis_down');
    const channel = replyChannel(this.options.namespace, brokerId);
    return new Promise<PublishOutcome>((resolve) => {
      const entry: Entry = { item: frameItem(value, failure), resolve };
      const queue = this.pending.get(channel);
      if (queue) queue.push(entry);
      else this.pending.set(channel, [entry]);
      if (!this.inFlight && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await closeConnection(this.connection);
  }

  /**
   * Sends everything queued, one `SPUBLISH` per channel (split at the limits), all of them in one
   * pipeline: one socket write per flush whatever the number of pods (a write per command was
   * 5 % of a gateway's busy time in the profile of docs/performance.md §5).
   */
  private flush(): void {
    if (this.inFlight || this.pending.size === 0) return;
    const batches = [...this.pending].flatMap(([channel, entries]) =>
      this.split(entries).map((chunk) => ({ channel, chunk })),
    );
    this.pending = new Map();
    this.inFlight = true;
    void this.send(batches)
      .then((outcomes) => {
        batches.forEach(({ chunk }, i) => {
          for (const entry of chunk) entry.resolve(outcomes[i] ?? 'redis_error');
        });
      })
      .finally(() => {
        this.inFlight = false;
        this.flush();
      });
  }

  private async send(
    batches: ReadonlyArray<{ channel: string; chunk: Entry[] }>,
  ): Promise<PublishOutcome[]> {
    if (!this.ready) return batches.map(() => 'redis_down');
    this.options.counters.redisPublishes += batches.length;
    const pipeline = this.connection.pipeline();
    for (const { channel, chunk } of batches) {
      pipeline.spublish(channel, frame(chunk.map((entry) => entry.item)));
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await pipeline.exec();
    } catch {
      results = null;
    }
    const outcomes = batches.map((_batch, i): PublishOutcome => {
      const [error, receivers] = results?.[i] ?? [new Error('no answer'), 0];
      if (error) return 'redis_error';
      return Number(receivers) > 0 ? 'redis' : 'no_receiver';
    });
    if (outcomes.includes('redis_error')) this.coolDownUntil = Date.now() + COOL_DOWN_MS;
    return outcomes;
  }

  /** `entries` in order, cut at the limits (at least one per chunk, however big). */
  private split(entries: Entry[]): Entry[][] {
    const chunks: Entry[][] = [];
    let current: Entry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      if (
        current.length > 0 &&
        (current.length >= this.limits.maxItems || bytes + entry.item.length > this.limits.maxBytes)
      ) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += entry.item.length;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }
}
