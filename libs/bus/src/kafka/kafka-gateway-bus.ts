import { DhError, isPipelined, type ErrorCode } from '@dh-mqtt/protocol';
import { silentLogger } from '@dh-mqtt/runtime';
import type { EachMessagePayload } from 'kafkajs';
import type { GatewayBus, RequestEnvelope, RequestHandler } from '../bus.port';
import { KeyedSerialQueue } from '../internal/keyed-serial-queue';
import { KAFKA_GROUPS, KAFKA_HEADERS, namespaced } from '../kafka-topics';
import { GroupConsumer } from './group-consumer';
import {
  emptyCounters,
  snapshotCounters,
  resolveOptions,
  type KafkaBusCounters,
  type KafkaBusOptions,
} from './kafka-bus-options';
import { busTopics, KafkaClients, retryInBackground, retrySettings } from './kafka-clients';
import {
  busHeaders,
  decodeRequests,
  headerText,
  replyFailure,
  type DecodedRequests,
} from './message-codec';
import { OffsetTracker } from './offset-tracker';
import { ProduceBatcher } from './produce-batcher';
import { startWithRetry } from './start-retry';
import { RedisReplyPublisher } from '../redis/redis-reply-publisher';
import { FallbackLog } from '../redis/fallback-log';

export interface KafkaGatewayBusOptions extends KafkaBusOptions {
  /**
   * Requests this pod handles at once across all clients (default 256): it stops taking records
   * from Kafka at that many. A record's requests are all taken (docs/adr/0024), so a record of a
   * big batch can take it past the limit by up to the batch's size (500 at most).
   */
  maxInFlight?: number;
  /**
   * Whether every device event goes to `dh.events.v1`, the feed other services consume
   * (default true). Off, `publishEvent` writes only the events whose push the gateway left to
   * the broker pods (`dh.pushes.v1`); the topic stays and gets nothing
   * (docs/adr/0025-event-feed-optional.md).
   */
  eventFeed?: boolean;
}

/** The gateway's end of the Kafka bus, with what a health endpoint and metrics need. */
export interface KafkaGatewayBus extends GatewayBus {
  /** Connected, in the request group (once serving) and able to send. */
  readonly ready: boolean;
  counters(): KafkaBusCounters;
}

const COMMIT_DELAY_MS = 100;

/**
 * The gateway side of the bus over Kafka (docs/architecture.md, ADR 0005):
 * - all gateway pods read `dh.requests.v2` as one group, so each request is handled by one pod;
 *   a record carries one or more requests of one broker pod (docs/adr/0024); a client's
 *   requests are handled one after another, different clients concurrently even on one
 *   partition; offsets are committed only past records whose requests are all done (at least
 *   once);
 * - a request whose deadline has passed is dropped (the broker already answered 503);
 * - the reply goes to the partition of `dh.replies.v1` named by the request's header; a handler
 *   that throws becomes a `dh-failure: DH_ERR_INTERNAL` record, so the broker answers at once;
 * - `publishEvent` writes `dh.events.v1` keyed by device id (unless `eventFeed` is off), and
 *   `dh.pushes.v1` too unless the gateway pushed the event itself (docs/adr/0021); it resolves
 *   once Kafka has them (acks=all) and rejects with `DH_ERR_BACKEND_UNAVAILABLE` when Kafka does
 *   not take them.
 */
export function createKafkaGatewayBus(options: KafkaGatewayBusOptions): KafkaGatewayBus {
  const opts = resolveOptions(options, 'dh-gateway');
  const maxInFlight = options.maxInFlight ?? 256;
  const eventFeed = options.eventFeed ?? true;
  const logger = (options.logger ?? silentLogger()).child({ component: 'kafka-gateway-bus' });
  const counters = emptyCounters();
  const topics = busTopics(opts);
  const clients = new KafkaClients(opts, logger);
  const requestGroup = namespaced(opts.namespace, KAFKA_GROUPS.gatewayRequests);
  const queue = new KeyedSerialQueue();
  const tracker = new OffsetTracker();
  const closing = new AbortController();
  let state: 'new' | 'starting' | 'started' | 'closing' | 'closed' = 'new';
  let starting: Promise<void> | undefined;
  let requestHandler: RequestHandler | undefined;
  let requestConsumer: GroupConsumer | undefined;
  let producerHealthy = true;
  let commitTimer: NodeJS.Timeout | undefined;
  const capacityWaiters: Array<() => void> = [];
  /** Requests taken from Kafka and not done yet (back-pressure: `maxInFlight`). */
  let requestsInFlight = 0;

  const isClosing = (): boolean => state === 'closing' || state === 'closed';
  const produce = new ProduceBatcher(() => clients.producer, {
    intervalMs: opts.produceIntervalMs,
    onHold: (ms) => (counters.pacingMs.produce += ms),
  });
  const redisReplies = opts.redisReplies
    ? new RedisReplyPublisher({
        redis: opts.redisReplies,
        namespace: opts.namespace,
        logger,
        counters: counters.replies,
        connectionName: `${opts.clientId}:replies`,
      })
    : undefined;
  const fallbacks = new FallbackLog(logger);

  async function send(
    role: 'replies' | 'events' | 'pushes',
    message: { key: string; value: string; headers: Record<string, string>; partition?: number },
  ): Promise<void> {
    if (!clients.producer) throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
    try {
      await produce.send(topics[role], message);
      producerHealthy = true;
      counters.produced[role] += 1;
    } catch (error) {
      producerHealthy = false;
      counters.produceErrors += 1;
      throw error;
    }
  }

  async function flushCommits(): Promise<void> {
    clearTimeout(commitTimer);
    commitTimer = undefined;
    const commits = tracker.takeCommits();
    if (commits.length > 0 && !(await requestConsumer?.commit(commits))) tracker.restore(commits);
  }

  function scheduleCommit(): void {
    commitTimer ??= setTimeout(() => void flushCommits(), COMMIT_DELAY_MS);
  }

  async function handle(
    envelope: RequestEnvelope,
    replyTo: DecodedRequests['replyTo'],
    sequenced: () => void,
    producedAt: number,
  ): Promise<void> {
    // Queued behind a slow request of the same client past its deadline: the client already
    // has its 503, and handling it now would surprise it.
    const now = Date.now();
    if (now >= envelope.deadline) {
      counters.expiredRequests += 1;
      return;
    }
    const metrics = opts.kafkaMetrics;
    if (producedAt > 0) metrics?.observeRequestWait?.((now - producedAt) / 1000);
    try {
      await run(envelope, replyTo, sequenced);
    } finally {
      metrics?.observeRequestRun?.((Date.now() - now) / 1000);
    }
  }

  /** Runs the request and sends its reply: through Redis to the owning pod, or Kafka. */
  async function run(
    envelope: RequestEnvelope,
    replyTo: DecodedRequests['replyTo'],
    sequenced: () => void,
  ): Promise<void> {
    const handler = requestHandler as RequestHandler;
    let value: string;
    let failure: ErrorCode | undefined;
    try {
      value = JSON.stringify(await handler(envelope, { sequenced }));
    } catch (error) {
      // The dispatcher turns every failure into an error reply; reaching this means the handler
      // itself is broken, and the broker must still answer the client.
      counters.handlerErrors += 1;
      logger.error({ err: error, id: envelope.id }, 'request handler failed');
      failure = 'DH_ERR_INTERNAL';
      value = JSON.stringify(replyFailure(envelope, failure));
    }
    // Straight to the owning pod through Redis when it listens; Kafka otherwise (ADR 0013).
    if (redisReplies) {
      const outcome = await redisReplies.publish(replyTo.brokerId, value, failure);
      if (outcome === 'redis') {
        counters.replies.sent.redis += 1;
        return;
      }
      counters.replies.fallbacks[outcome] += 1;
      fallbacks.note(outcome, replyTo.brokerId);
    }
    const headers = busHeaders({
      [KAFKA_HEADERS.brokerId]: replyTo.brokerId,
      ...(failure ? { [KAFKA_HEADERS.failure]: failure } : {}),
    });
    try {
      await send('replies', {
        key: envelope.clientId,
        partition: replyTo.partition,
        value,
        headers,
      });
      counters.replies.sent.kafka += 1;
    } catch (error) {
      logger.error(
        { err: error, id: envelope.id },
        'reply lost: Kafka did not accept it; the broker answers 503 at the deadline',
      );
    }
  }

  /** Logs and counts a malformed record, or one malformed request of a record (`inRecord`). */
  function skipMalformed(payload: EachMessagePayload, reason: string, inRecord = false): void {
    counters.malformed += 1;
    const { topic, partition, message } = payload;
    logger.warn(
      { topic, partition, offset: message.offset, reason },
      inRecord
        ? 'skipped a malformed request of a Kafka record'
        : 'skipped a malformed Kafka record',
    );
  }

  /**
   * One record of the request topic: the requests one broker sent to this partition in one
   * batch (docs/adr/0024), queued in their order; its offset is done once all of them are.
   */
  async function onRequest(payload: EachMessagePayload): Promise<void> {
    counters.consumed.requests += 1;
    // Closing: leave the record uncommitted, another gateway handles it. (Records may arrive
    // while start() is still finishing: those are handled.)
    if (isClosing()) return;
    const { partition, message } = payload;
    tracker.begin(partition, message.offset);
    const recordDone = (): void => {
      tracker.end(partition, message.offset);
      scheduleCommit();
    };
    const decoded = decodeRequests(message);
    if (!decoded.ok) {
      skipMalformed(payload, decoded.reason);
      return recordDone();
    }
    const { requests, replyTo } = decoded.value;
    counters.packedRequests.consumed += requests.length;
    // Kafka's record timestamp, in ms (kafkajs hands it over as a string).
    const producedAt = Number(message.timestamp);
    let open = requests.length;
    if (open === 0) return recordDone();
    const requestDone = (): void => {
      requestsInFlight -= 1;
      for (const wake of capacityWaiters.splice(0)) wake();
      open -= 1;
      if (open === 0) recordDone();
    };
    for (const request of requests) {
      requestsInFlight += 1;
      if (!request.ok) {
        skipMalformed(payload, request.reason, true);
        requestDone();
        continue;
      }
      const envelope = request.value;
      if (Date.now() >= envelope.deadline) {
        counters.expiredRequests += 1;
        requestDone();
        continue;
      }
      void queue
        .run(envelope.clientId, (sequenced) => handle(envelope, replyTo, sequenced, producedAt), {
          overlaps: isPipelined(envelope.request.action),
        })
        .finally(requestDone);
    }
    // Back-pressure: stop taking records while too many requests are in flight.
    while (requestsInFlight >= maxInFlight && !isClosing()) {
      await new Promise<void>((resolve) => capacityWaiters.push(resolve));
    }
  }

  async function startRequests(): Promise<void> {
    const consumer = new GroupConsumer({
      kafka: clients.kafka(),
      logger,
      groupId: requestGroup,
      topic: topics.requests,
      instrument: (consumer) =>
        opts.kafkaMetrics?.instrumentConsumer(consumer, KAFKA_GROUPS.gatewayRequests),
      // A brand-new group reads what is there: expired requests are dropped by their deadline,
      // the others are answered (a broker may have started first).
      fromBeginning: true,
      commits: 'caller',
      sessionTimeoutMs: opts.sessionTimeoutMs,
      maxFetchWaitMs: opts.maxFetchWaitMs,
      fetchIntervalMs: opts.fetchIntervalMs,
      onPacingHold: (ms) => (counters.pacingMs.fetch += ms),
      // A record counts its requests in the pacing (docs/adr/0024).
      weighRecord: (message) => Number(headerText(message.headers, KAFKA_HEADERS.count)) || 1,
      restartDelay: opts.startRetry,
      eachMessage: onRequest,
      onJoin: (partitions) => tracker.retain(partitions),
    });
    requestConsumer = consumer;
    await consumer.start();
  }

  async function connect(): Promise<void> {
    await clients.connectAdmin();
    await clients.connectProducer();
    if (requestHandler) await startRequests();
  }

  async function disconnectAll(): Promise<void> {
    const consumer = requestConsumer;
    requestConsumer = undefined;
    await consumer?.stop();
    await clients.disconnect();
  }

  const retry = retrySettings(opts, logger, closing.signal, counters);

  const bus: KafkaGatewayBus = {
    get ready() {
      return (
        state === 'started' &&
        producerHealthy &&
        (requestHandler === undefined || requestConsumer?.joined === true)
      );
    },
    counters: () => snapshotCounters(counters),

    serve(handler) {
      const first = requestHandler === undefined;
      requestHandler = handler;
      if (first && state === 'started') {
        retryInBackground(
          startRequests,
          async () => {
            await requestConsumer?.stop();
            requestConsumer = undefined;
          },
          retry,
        );
      }
    },

    async publishEvent(event, publish) {
      // Allowed while closing (a request being finished may still publish its events); before
      // start() there is no producer and send() refuses.
      if (state === 'closed') throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
      const pushed = publish?.pushed === true;
      // No feed and a push published already: nothing left for Kafka (docs/adr/0025).
      if (pushed && !eventFeed) return;
      const record = {
        key: event.deviceId,
        value: JSON.stringify(event),
        headers: busHeaders({
          [KAFKA_HEADERS.eventKind]: event.kind,
          [KAFKA_HEADERS.pushed]: pushed ? '1' : '0',
        }),
      };
      try {
        // docs/adr/0021: the broker group reads only the events no gateway pushed. Both records
        // leave in the same produce batch.
        if (pushed) await send('events', record);
        else if (!eventFeed) await send('pushes', record);
        else await Promise.all([send('events', record), send('pushes', record)]);
      } catch (error) {
        logger.warn(
          { err: error, deviceId: event.deviceId, kind: event.kind },
          'Kafka did not accept an event',
        );
        throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
      }
    },

    start() {
      if (state === 'closing' || state === 'closed') {
        return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      }
      if (starting) return starting;
      state = 'starting';
      starting = startWithRetry({ attempt: connect, undo: disconnectAll, ...retry }).then(() => {
        if (state !== 'starting') return;
        state = 'started';
        logger.info(
          {
            topics,
            group: requestGroup,
            fetchIntervalMs: opts.fetchIntervalMs,
            produceIntervalMs: opts.produceIntervalMs,
            eventFeed,
          },
          'Kafka gateway bus started',
        );
      });
      return starting;
    },

    async close() {
      if (state === 'closing' || state === 'closed') return;
      state = 'closing';
      closing.abort(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      await starting?.catch(() => undefined);
      requestConsumer?.pause();
      for (const wake of capacityWaiters.splice(0)) wake();
      // Graceful: requests already taken are answered, then their offsets committed.
      await queue.drain();
      await flushCommits();
      state = 'closed';
      await Promise.all([redisReplies?.close(), disconnectAll()]);
    },
  };
  return bus;
}
