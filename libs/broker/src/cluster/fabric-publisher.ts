import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { Logger } from '@dh-mqtt/runtime';
import { Aedes } from 'aedes';
import { Counter, type Registry } from 'prom-client';
import { stopHeartbeats, stopWillSweeps, wrapPersistence } from '../aedes-internals';
import { createLimitMetrics } from '../limits/limit-metrics';
import { limitOfflineQueue } from '../limits/offline-queue';
import { eventPacket } from '../pushes/event-packet';
import type { RedisMqttState } from './redis-mqtt-state';

/** Longest wait for one push (Redis answering slowly): past it the broker pods publish it. */
const DEFAULT_PUBLISH_TIMEOUT_MS = 2_000;

export interface FabricPublisherOptions {
  /** The pod's own Redis MQTT state (`createRedisMqttState`); closed by `close()`. */
  state: RedisMqttState;
  /** The aedes id: unique among every pod sharing the fabric. */
  id: string;
  logger: Logger;
  /** `DH_MAX_OFFLINE_QUEUE`: the cap the broker pods apply, applied here too. */
  maxOfflineQueue: number;
  /** The pod's registry: `dh_gateway_pushes_total{path}`, offline-queue limit hits. */
  metrics?: Registry;
  publishTimeoutMs?: number;
}

/** Publishes the pushes of device events into the shared MQTT fabric (docs/adr/0021). */
export interface FabricPublisher {
  /**
   * Publishes `event`'s push as the broker pods would: its offline QoS 1 copies stored for the
   * persistent sessions that match it, then the fabric `PUBLISH` that every pod with a matching
   * subscriber receives. True once Redis has both. False when the push was not published
   * (Redis not ready, an error, no answer within the timeout): the caller leaves it to the
   * broker pods. Never rejects.
   */
  publish(event: DeviceEvent): Promise<boolean>;
  /** Stops publishing and closes the state (its Redis connections); bounded when Redis is gone. */
  close(): Promise<void>;
}

/**
 * An aedes instance that serves no client: it only publishes, through the cluster's persistence
 * and emitter, so an offline persistent session gets its copy exactly as when a broker pod
 * publishes (aedes queues offline copies on the publishing instance). It takes no part in will
 * sweeps (`stopWillSweeps`): the broker pods publish wills through their hooks.
 */
export async function createFabricPublisher(
  options: FabricPublisherOptions,
): Promise<FabricPublisher> {
  const { state, logger } = options;
  const timeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
  const pushes = options.metrics
    ? new Counter({
        name: 'dh_gateway_pushes_total',
        help: 'Pushes of device events by who published them into the MQTT fabric: fabric (this gateway), brokers (left to the broker pods: Redis unavailable)',
        labelNames: ['path'],
        registers: [options.metrics],
      })
    : undefined;
  pushes?.inc({ path: 'fabric' }, 0);
  pushes?.inc({ path: 'brokers' }, 0);
  const aedes = new Aedes({
    id: options.id,
    persistence: state.persistence as never,
    mq: state.mq as never,
  });
  aedes.on('error' as 'closed', (err?: unknown) => {
    logger.warn({ err: (err as Error | undefined)?.message }, 'fabric publisher error');
  });
  await aedes.listen();
  stopWillSweeps(aedes);
  wrapPersistence(aedes, (persistence: object) =>
    limitOfflineQueue(persistence, {
      maxQueued: options.maxOfflineQueue,
      metrics: createLimitMetrics(options.metrics),
      queueLength: (clientId) => state.offlineQueueLength(clientId),
    }),
  );
  let failures = 0;
  let closed = false;

  const leftToBrokers = (reason: string, err?: unknown): false => {
    failures += 1;
    pushes?.inc({ path: 'brokers' });
    // The first and then every hundredth: a Redis outage is a few clear lines, not a flood.
    if (failures === 1 || failures % 100 === 0) {
      logger.warn(
        { reason, failures, err: (err as Error | undefined)?.message },
        'push left to the broker pods',
      );
    }
    return false;
  };

  const published = (packet: NonNullable<ReturnType<typeof eventPacket>>) =>
    new Promise<Error | 'timeout' | null>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      aedes.publish(packet, (err) => {
        clearTimeout(timer);
        resolve(err ?? null);
      });
    });

  return {
    async publish(event) {
      if (closed) return leftToBrokers('closing');
      const packet = eventPacket(event);
      if (packet === null) {
        // No topic: the broker pods drop it with a warning. Not a failure of this publisher, so
        // it neither counts towards the warnings nor ends them with "published again".
        pushes?.inc({ path: 'brokers' });
        return false;
      }
      if (!state.isReady()) return leftToBrokers('redis not ready');
      const outcome = await published(packet);
      if (outcome === 'timeout') return leftToBrokers('timeout');
      if (outcome !== null) return leftToBrokers('error', outcome);
      if (failures > 0) {
        logger.info({ failures }, 'pushes published by this gateway again');
        failures = 0;
      }
      pushes?.inc({ path: 'fabric' });
      return true;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Not aedes' close(): it waits for the emitter's QUITs, forever when Redis is gone.
      // The state closes the emitter and the persistence, each step bounded.
      stopHeartbeats(aedes);
      await state.close();
    },
  };
}
