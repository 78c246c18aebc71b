import type { ActionTable } from '../core/action';
import { formatTimestamp } from '../core/timestamp';

/** The reference server version this implementation speaks (docs/api/session.md, `server/info`). */
export const API_VERSION = '4.1.0';

/**
 * `cluster/info` of the reference (docs/api/session.md), answered when no Kafka is configured
 * (embedded).
 */
export const REFERENCE_CLUSTER_INFO = {
  'bootstrap.servers': '127.0.0.1:9092',
  'zookeeper.connect': '127.0.0.1:2181',
} as const;

export interface SystemInfoOptions {
  /** `restServerUrl` of `server/info`; null when this deployment has no REST API (default). */
  restServerUrl?: string | null;
  /** Kafka bootstrap servers of the cluster deployment (`DH_KAFKA_BROKERS`). */
  kafkaBrokers?: readonly string[];
}

/**
 * `server/info` and `cluster/info` (docs/api/session.md). `cluster/info` reports the
 * configured Kafka brokers, with `zookeeper.connect` null (KRaft: there is no ZooKeeper); an
 * embedded server, which has no Kafka, answers the reference's values so clients written
 * against the reference keep working.
 */
export function createSystemActions(options: SystemInfoOptions = {}): ActionTable {
  const clusterInfo = options.kafkaBrokers?.length
    ? { 'bootstrap.servers': options.kafkaBrokers.join(','), 'zookeeper.connect': null }
    : { ...REFERENCE_CLUSTER_INFO };
  return {
    'server/info': async (ctx) => ({
      body: {
        info: {
          apiVersion: API_VERSION,
          serverTimestamp: formatTimestamp(ctx.now()),
          restServerUrl: options.restServerUrl ?? null,
        },
      },
    }),
    'cluster/info': async () => ({ body: { clusterInfo: { ...clusterInfo } } }),
  };
}

/** The system actions of an embedded server without a REST API. */
export const systemActions: ActionTable = createSystemActions();
