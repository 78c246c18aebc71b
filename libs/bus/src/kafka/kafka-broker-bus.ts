import { randomUUID } from 'node:crypto';
import { DhError } from '@dh-mqtt/protocol';
import { silentLogger } from '@dh-mqtt/runtime';
import type { Admin, EachMessagePayload } from 'kafkajs';
import type { BrokerBus, EventHandler } from '../bus.port';
import { wireCopy } from '../internal/wire-copy';
import { BROKER_REPLIES_GROUP, KAFKA_GROUPS, KAFKA_HEADERS, namespaced } from '../kafka-topics';
import { eventGroupConsumer } from './event-group';
import { GroupConsumer } from './group-consumer';
import {
  emptyCounters,
  snapshotCounters,
  resolveOptions,
  type KafkaBusCounters,
  type KafkaBusOptions,
} from './kafka-bus-options';
import { busTopics, KafkaClients, retryInBackground, retrySettings } from './kafka-clients';
import { decodeFrame } from '../redis/reply-frame';
import { RedisReplySubscriber } from '../redis/redis-reply-subscriber';
import {
  busHeaders,
  decodeEvent,
  decodeReply,
  headerText,
  type DecodedReply,
} from './message-codec';
import { PendingReplies } from './pending-replies';
import { ProduceBatcher } from './produce-batcher';
import { pinnedPartitionAssigner, replyPartitionFor, requestPartitionFor } from './reply-partition';
import { startWithRetry } from './start-retry';
import { endOffsets, partitionCount } from './topic-admin';

export interface KafkaBrokerBusOptions extends KafkaBusOptions {
  /** This broker pod's id: written into each request, replies come back to it. */
  brokerId: string;
  /** The reply partition this pod reads (default: a hash of `brokerId`; ADR 0005). */
  replyPartition?: number;
  /** Upper bound of a reply wait in ms, whatever the deadline says (default 30 000). */
  maxReplyWaitMs?: number;
}

/** The broker's end of the Kafka bus, with what a health endpoint and metrics need. */
export interface KafkaBrokerBus extends BrokerBus {
  /** Connected, in its groups and able to send: requests can get replies. */
  readonly ready: boolean;
  /** The Redis channel this broker reads replies on (ADR 0013); undefined without Redis. */
  readonly replyChannel: string | undefined;
  /** The partition of the reply topic this broker reads; undefined until started. */
  readonly replyPartition: number | undefined;
  counters(): KafkaBusCounters;
}

const DEFAULT_MAX_REPLY_WAIT_MS = 30_000;

/**
 * The broker side of the bus over Kafka (docs/architecture.md, ADR 0005):
 * - `request()` writes the envelope to `dh.requests.v2`, on the partition of its client id; the
 *   requests of one produce batch for one partition go as one record (docs/adr/0024), with this
 *   pod's id and reply partition in its headers. It waits for the reply on that partition of
 *   `dh.replies.v1`, which only this pod's own group reads; no reply by the deadline →
 *   `DH_ERR_BACKEND_TIMEOUT`, Kafka refusing the request or the reply path down →
 *   `DH_ERR_BACKEND_UNAVAILABLE`;
 * - events of `dh.pushes.v1` (those whose push no gateway published, docs/adr/0021) are read by
 *   the group of all broker pods, so each reaches the handlers of exactly one pod (which
 *   publishes it into the shared MQTT fabric);
 * - `start()` waits for Kafka, retrying with backoff (never rejects while Kafka is merely
 *   unreachable; `ready` stays false); malformed records are logged, counted and skipped.
 */
export function createKafkaBrokerBus(options: KafkaBrokerBusOptions): KafkaBrokerBus {
  const opts = resolveOptions(options, 'dh-broker');
  const { brokerId } = options;
  const maxWaitMs = options.maxReplyWaitMs ?? DEFAULT_MAX_REPLY_WAIT_MS;
  const logger = (options.logger ?? silentLogger()).child({
    component: 'kafka-broker-bus',
    brokerId,
  });
  const counters = emptyCounters();
  const pending = new PendingReplies();
  const eventHandlers: EventHandler[] = [];
  const topics = busTopics(opts);
  const clients = new KafkaClients(opts, logger);
  const produce = new ProduceBatcher(() => clients.producer, {
    intervalMs: opts.produceIntervalMs,
    onHold: (ms) => (counters.pacingMs.produce += ms),
    // docs/adr/0024: the requests of one batch for one partition go as one record.
    packedTopics: [topics.requests],
    onPacked: (records, requests) => {
      counters.produced.requests += records;
      counters.packedRequests.produced += requests;
    },
  });
  const replyGroup = namespaced(
    opts.namespace,
    KAFKA_GROUPS.brokerReplies(brokerId, randomUUID().slice(0, 8)),
  );
  const eventGroup = namespaced(opts.namespace, KAFKA_GROUPS.brokerPushes);
  const closing = new AbortController();
  let state: 'new' | 'starting' | 'started' | 'closed' = 'new';
  let starting: Promise<void> | undefined;
  let replyConsumer: GroupConsumer | undefined;
  let eventConsumer: GroupConsumer | undefined;
  let replyPartition: number | undefined;
  /** Partitions of the request topic, read when the bus connects (docs/adr/0024). */
  let requestPartitions: number | undefined;
  /** Where the reply consumer resumes after a (re)join: past the last reply it read. */
  let nextReplyOffset = '0';
  let producerHealthy = true;

  function malformed(payload: EachMessagePayload, reason: string): void {
    counters.malformed += 1;
    const { topic, partition, message } = payload;
    logger.warn(
      { topic, partition, offset: message.offset, reason },
      'skipped a malformed Kafka record',
    );
  }

  /**
   * Settles the wait for `reply`, whichever path it came by. A reply that came both ways (a
   * Redis publish that timed out at the gateway but arrived, a race around a reconnect) settles
   * the wait once: the second copy finds no waiter and is counted an orphan (ADR 0013).
   */
  function settle(reply: DecodedReply): void {
    const id = reply.kind === 'reply' ? reply.envelope.id : reply.id;
    const waited =
      reply.kind === 'reply'
        ? pending.resolve(id, reply.envelope)
        : pending.reject(id, new DhError(reply.code));
    if (!waited) counters.orphanReplies += 1;
  }

  async function onReply(payload: EachMessagePayload): Promise<void> {
    const { message } = payload;
    counters.consumed.replies += 1;
    nextReplyOffset = (BigInt(message.offset) + 1n).toString();
    const target = headerText(message.headers, KAFKA_HEADERS.brokerId);
    if (target !== undefined && target !== brokerId) {
      counters.foreignReplies += 1;
      return;
    }
    const decoded = decodeReply(message);
    if (!decoded.ok) return malformed(payload, decoded.reason);
    counters.replies.received.kafka += 1;
    settle(decoded.value);
  }

  function onRedisReplies(message: string): void {
    const decoded = decodeFrame(message);
    const channel = redisReplies?.channel;
    if (!decoded.ok) {
      counters.malformed += 1;
      logger.warn({ channel, reason: decoded.reason }, 'skipped a malformed Redis reply message');
      return;
    }
    for (const item of decoded.value) {
      if (!item.ok) {
        counters.malformed += 1;
        logger.warn({ channel, reason: item.reason }, 'skipped a malformed Redis reply');
        continue;
      }
      counters.replies.received.redis += 1;
      settle(item.value);
    }
  }

  const redisReplies = opts.redisReplies
    ? new RedisReplySubscriber({
        redis: opts.redisReplies,
        namespace: opts.namespace,
        brokerId,
        logger,
        onMessage: onRedisReplies,
      })
    : undefined;

  async function onEventRecord(payload: EachMessagePayload): Promise<void> {
    counters.consumed.pushes += 1;
    const decoded = decodeEvent(payload.message);
    if (!decoded.ok) return malformed(payload, decoded.reason);
    for (const [index, handler] of eventHandlers.entries()) {
      const event = index === 0 ? decoded.value : wireCopy(decoded.value);
      try {
        await handler(event);
      } catch (error) {
        counters.handlerErrors += 1;
        logger.error(
          { err: error, deviceId: event.deviceId, kind: event.kind },
          'event handler failed',
        );
      }
    }
  }

  async function startEvents(connectedAdmin: Admin): Promise<void> {
    eventConsumer = await eventGroupConsumer({
      kafka: clients.kafka(),
      admin: connectedAdmin,
      logger,
      options: opts,
      groupId: eventGroup,
      // docs/adr/0021: only the events whose push no gateway published.
      topic: topics.pushes,
      eachMessage: onEventRecord,
      onPacingHold: (ms) => (counters.pacingMs.fetch += ms),
    });
    await eventConsumer.start();
  }

  async function connect(): Promise<void> {
    const admin = await clients.connectAdmin();
    const partitions = await partitionCount(admin, topics.replies);
    const partition = replyPartitionFor(brokerId, partitions, options.replyPartition);
    requestPartitions = await partitionCount(admin, topics.requests);
    nextReplyOffset = (await endOffsets(admin, topics.replies)).get(partition) ?? '0';
    replyPartition = partition;
    await clients.connectProducer();
    replyConsumer = new GroupConsumer({
      kafka: clients.kafka(),
      logger,
      groupId: replyGroup,
      topic: topics.replies,
      fromBeginning: false,
      commits: 'caller',
      sessionTimeoutMs: opts.sessionTimeoutMs,
      maxFetchWaitMs: opts.maxFetchWaitMs,
      fetchIntervalMs: opts.fetchIntervalMs,
      onPacingHold: (ms) => (counters.pacingMs.fetch += ms),
      restartDelay: opts.startRetry,
      partitionAssigners: [pinnedPartitionAssigner(topics.replies, partition)],
      instrument: (consumer) =>
        opts.kafkaMetrics?.instrumentConsumer(consumer, BROKER_REPLIES_GROUP),
      eachMessage: onReply,
      onJoin(_partitions, kafkaConsumer) {
        kafkaConsumer.seek({ topic: topics.replies, partition, offset: nextReplyOffset });
      },
    });
    await replyConsumer.start();
    if (eventHandlers.length > 0) await startEvents(admin);
  }

  async function disconnectAll(): Promise<void> {
    const consumers = [replyConsumer, eventConsumer];
    replyConsumer = undefined;
    eventConsumer = undefined;
    await Promise.all(consumers.map((c) => c?.stop()));
    await clients.disconnect();
  }

  const retry = retrySettings(opts, logger, closing.signal, counters);

  function isReady(): boolean {
    return (
      state === 'started' &&
      producerHealthy &&
      replyConsumer?.joined === true &&
      (eventHandlers.length === 0 || eventConsumer?.joined === true)
    );
  }

  const bus: KafkaBrokerBus = {
    get ready() {
      return isReady();
    },
    get replyPartition() {
      return replyPartition;
    },
    get replyChannel() {
      return redisReplies?.channel;
    },
    counters: () => snapshotCounters(counters),

    request(request) {
      if (state !== 'started') return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      const waitMs = Math.min(request.deadline - Date.now(), maxWaitMs);
      if (waitMs <= 0) {
        return Promise.reject(
          new DhError('DH_ERR_BACKEND_TIMEOUT', Math.max(0, Math.round(waitMs))),
        );
      }
      if (
        !clients.producer ||
        replyConsumer?.joined !== true ||
        replyPartition === undefined ||
        requestPartitions === undefined
      ) {
        // No reply could reach us: say so now rather than at the deadline.
        return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      }
      const partition = replyPartition;
      const reply = pending.wait(request.id, waitMs);
      // The batcher writes records in call order, one batch after another, so the gateway sees
      // a client's requests in the order it published them (docs/topics/request.md).
      void produce
        .send(topics.requests, {
          key: request.clientId,
          partition: requestPartitionFor(request.clientId, requestPartitions),
          value: JSON.stringify(request),
          headers: busHeaders({
            [KAFKA_HEADERS.brokerId]: brokerId,
            [KAFKA_HEADERS.replyPartition]: String(partition),
          }),
        })
        .then(
          () => {
            producerHealthy = true;
          },
          (error: unknown) => {
            producerHealthy = false;
            counters.produceErrors += 1;
            logger.warn({ err: error, id: request.id }, 'Kafka did not accept a request');
            pending.reject(request.id, new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
          },
        );
      return reply;
    },

    onEvent(handler) {
      eventHandlers.push(handler);
      // Handlers registered after start(): the pod joins the event group now, not before it
      // can deliver (a pod in the group without handlers would drop its share of the events).
      if (eventHandlers.length === 1 && state === 'started') {
        retryInBackground(
          () => {
            const { admin } = clients;
            return admin ? startEvents(admin) : Promise.reject(new Error('not connected'));
          },
          async () => {
            await eventConsumer?.stop();
            eventConsumer = undefined;
          },
          retry,
        );
      }
    },

    start() {
      if (state === 'closed') return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      if (starting) return starting;
      state = 'starting';
      // The Redis reply channel is subscribed before the first request can leave (ADR 0013);
      // a Redis that does not answer within the subscriber's wait leaves the replies on Kafka.
      starting = Promise.all([
        startWithRetry({ attempt: connect, undo: disconnectAll, ...retry }),
        redisReplies?.start(),
      ]).then(() => {
        if (state !== 'starting') return;
        state = 'started';
        logger.info(
          {
            replyPartition,
            replyChannel: redisReplies?.channel,
            topics,
            fetchIntervalMs: opts.fetchIntervalMs,
            produceIntervalMs: opts.produceIntervalMs,
          },
          'Kafka broker bus started',
        );
      });
      return starting;
    },

    async close() {
      if (state === 'closed') return;
      state = 'closed';
      closing.abort(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      pending.rejectAll(() => new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      await starting?.catch(() => undefined);
      await Promise.all([redisReplies?.close(), disconnectAll()]);
    },
  };
  return bus;
}
