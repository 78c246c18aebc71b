import type { Registry } from 'prom-client';
import { createDeviceHive, type DeviceHivePort } from '@dh-mqtt/devicehive';
import { openRemoteBackend } from '@dh-mqtt/devicehive-remote';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { Logger, StandaloneConfig } from '@dh-mqtt/runtime';

/**
 * What the gateway calls, in whichever thread it runs: the DeviceHive core on PGlite or
 * PostgreSQL, or an existing DeviceHive server with `DH_DEVICEHIVE_URL` (docs/adr/0014).
 */
export interface Backend {
  readonly kind: 'core' | 'remote';
  readonly deviceHive: DeviceHivePort;
  /** Readiness: the storage answers, or the remote server (and its event stream) does. */
  ready(): Promise<boolean>;
  /**
   * Starts what feeds the server's device events into the bus (the remote event stream); call it
   * once the broker consumes events. Nothing to start for the core: its events are action outcomes.
   */
  startEvents(): void;
  close(): Promise<void>;
}

/**
 * The gateway's reply cache (`dedup`) answers a request its transport delivers twice, a Kafka
 * redelivery, with the first reply instead of running it again. The embedded process's transports
 * (in-process, the gateway's worker thread) deliver a request once and fail, never resend, what
 * they cannot deliver, so here the cache would only hold the last 10,000 replies for nothing. (Its
 * CPU cost was within the benchmark's noise: docs/performance.md §3.)
 */
export const EMBEDDED_REPLY_CACHE = { maxEntries: 0 } as const;

export interface BackendOptions {
  config: StandaloneConfig;
  logger: Logger;
  metrics: Registry;
  /** The gateway bus's `publishEvent`: where the remote server's events go. */
  publishEvent(event: DeviceEvent): Promise<void>;
  /** The main thread holds the data directory's lock (worker mode). */
  dataDirLockHeld?: boolean;
}

export async function openBackend(options: BackendOptions): Promise<Backend> {
  const { config, logger, metrics } = options;
  const remote = config.remote;
  if (remote) {
    const backend = openRemoteBackend({
      endpoints: remote,
      credentials: remote.credentials,
      timeoutMs: remote.timeoutMs,
      jwtSecret: config.jwtSecret,
      logger: logger.child({ component: 'remote' }),
      registry: metrics,
      publishEvent: options.publishEvent,
    });
    return {
      kind: 'remote',
      deviceHive: backend.deviceHive,
      ready: () => backend.ready(),
      startEvents: () => backend.start(),
      close: () => backend.close(),
    };
  }
  const core = await createDeviceHive({
    dataDir: config.dataDir,
    dataDirLockHeld: options.dataDirLockHeld,
    databaseUrl: config.databaseUrl,
    adminPassword: config.adminPassword,
    jwtSecret: config.jwtSecret,
    allowDefaultAdminPassword: config.allowDefaultAdminPassword,
    logger: logger.child({ component: 'core' }),
    metrics,
  });
  return {
    kind: 'core',
    deviceHive: core,
    ready: () => core.ping(),
    startEvents: () => undefined,
    close: () => core.close(),
  };
}
