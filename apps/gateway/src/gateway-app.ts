import type { Registry } from 'prom-client';
import type { FabricPublisher } from '@dh-mqtt/broker';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import {
  registerBusMetrics,
  registerKafkaBusMetrics,
  registerReplyMetrics,
  type GatewayBus,
  type KafkaBusCounters,
} from '@dh-mqtt/bus';
import {
  createDeviceHive,
  DataDirInUseError,
  DefaultAdminPasswordError,
  createRequestLedger,
  REQUEST_LEDGER_RETENTION_MS,
  type DeviceHive,
  type DeviceHivePort,
} from '@dh-mqtt/devicehive';
import {
  createRemoteEventStream,
  leasedStreamFactory,
  openRemoteBackend,
  type RemoteBackend,
  type StreamLeaseFactory,
} from '@dh-mqtt/devicehive-remote';
import { createGateway, type Gateway } from '@dh-mqtt/gateway';
import {
  HealthChecks,
  closeServer,
  createHttpServer,
  createMetricsRegistry,
  listen,
  pause,
  retry,
  type GatewayConfig,
  type Logger,
  type ShutdownStep,
} from '@dh-mqtt/runtime';

/** How long `start()` waits for the push publisher before serving without it (docs/adr/0021). */
const PUSHES_OPEN_WAIT_MS = 5_000;

/** The bus of a gateway pod; `ready` (the Kafka bus has it) feeds the readiness probe. */
export type PodBus = GatewayBus & {
  readonly ready?: boolean;
  /** The Kafka bus's running totals, exported on `/metrics`. */
  counters?(): KafkaBusCounters;
};

export interface GatewayAppDeps {
  bus: PodBus;
  logger: Logger;
  /** Opens the core (default `createDeviceHive` on the config); retried while it fails. */
  openDeviceHive?: () => Promise<DeviceHive>;
  /** Backoff of those retries, in ms (default 500 doubling up to 10 000). */
  retry?: { initialMs: number; maxMs: number };
  /** The pod's Prometheus registry, shared with the bus's Kafka metrics; a new one by default. */
  metrics?: Registry;
  /**
   * Remote mode in a cluster: the Kafka lease that lets one gateway pod run the remote event
   * stream (docs/adr/0015); without it, this pod runs the stream alone.
   */
  leaseEvents?: StreamLeaseFactory;
  /**
   * With Redis: opens the publisher of pushes into the MQTT fabric (docs/adr/0021), called once
   * at `start()`; it gives up when `shutdown` aborts (Redis never came). Until it is open, and
   * whenever it cannot publish, the broker pods publish the pushes from `dh.pushes.v1`.
   */
  openPushes?: (shutdown: AbortSignal) => Promise<FabricPublisher>;
}

/** A gateway pod, built: the health endpoint listens at once, the rest comes with `start()`. */
export interface GatewayApp {
  /** Binds `/healthz`, `/readyz` (503 until serving) and `/metrics`; resolves with the port. */
  listenHealth(): Promise<number>;
  /**
   * Opens the core on PostgreSQL (retried with backoff while the database is unreachable:
   * logged, never thrown), then serves requests from the bus (which itself waits for Kafka).
   * Rejects only when shutdown starts first.
   */
  start(): Promise<void>;
  /**
   * Readiness off; stop taking requests and let those being handled finish (their replies and
   * events are sent, their offsets committed, so no other pod runs them again); close the bus,
   * the core and the health endpoint.
   */
  readonly shutdownSteps: readonly ShutdownStep[];
}

/**
 * Builds a gateway pod (docs/architecture.md): the NestJS gateway on the bus, the core on
 * PostgreSQL.
 */
export function createGatewayApp(config: GatewayConfig, deps: GatewayAppDeps): GatewayApp {
  const { bus, logger } = deps;
  const backoff = deps.retry ?? { initialMs: 500, maxMs: 10_000 };
  const metrics = deps.metrics ?? createMetricsRegistry({ app: 'gateway' });
  registerBusMetrics(metrics, bus);
  const openDeviceHive =
    deps.openDeviceHive ??
    (() =>
      createDeviceHive({
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        adminPassword: config.adminPassword,
        jwtSecret: config.jwtSecret,
        allowDefaultAdminPassword: config.allowDefaultAdminPassword,
        logger: logger.child({ component: 'core' }),
        metrics,
      }));
  const checks = new HealthChecks();
  let deviceHive: DeviceHive | undefined;
  // docs/adr/0014: with DH_DEVICEHIVE_URL an existing DeviceHive server is the backend; no
  // database, so no request ledger either.
  const remote: RemoteBackend | undefined = config.remote
    ? openRemoteBackend({
        endpoints: config.remote,
        credentials: config.remote.credentials,
        timeoutMs: config.remote.timeoutMs,
        jwtSecret: config.jwtSecret,
        logger: logger.child({ component: 'remote' }),
        registry: metrics,
        publishEvent: (event) => bus.publishEvent(event),
        ...(deps.leaseEvents
          ? { eventStreamFactory: leasedStreamFactory(deps.leaseEvents, createRemoteEventStream) }
          : {}),
      })
    : undefined;
  let gateway: Gateway | undefined;
  let pushes: FabricPublisher | undefined;
  let opening: Promise<void> | undefined;
  // docs/adr/0021: the push first (when this pod can), then the Kafka record that says so.
  const events = {
    async publishEvent(event: DeviceEvent): Promise<void> {
      const pushed = pushes ? await pushes.publish(event) : false;
      await bus.publishEvent(event, { pushed });
    },
  };
  let pruneTimer: NodeJS.Timeout | undefined;
  let serving = false;
  let shuttingDown = false;
  const shutdown = new AbortController();

  checks.register('serving', () => serving);
  if (remote) checks.register('remote', () => remote.ready());
  else checks.register('storage', () => deviceHive?.ping() ?? false);
  if (bus.ready !== undefined) checks.register('kafka', () => bus.ready === true);
  const { counters } = bus;
  if (counters) {
    registerKafkaBusMetrics(metrics, () => counters.call(bus));
    registerReplyMetrics(metrics, 'gateway', () => counters.call(bus));
  }
  const http = createHttpServer({
    checks,
    metrics,
    isShuttingDown: () => shuttingDown,
  });

  function openCore(): Promise<DeviceHive> {
    return retry({
      attempt: async (attempt) => {
        const core = await openDeviceHive();
        if (attempt > 1) logger.info({ attempt }, 'database reachable');
        return core;
      },
      backoff,
      signal: shutdown.signal,
      // Another process holds the PGlite directory, or the database has the default admin
      // password: waiting would not help (docs/security.md).
      isFatal: (err) =>
        err instanceof DataDirInUseError || err instanceof DefaultAdminPasswordError,
      onFailure: (err, attempt, delay) => {
        logger.error(
          { err: (err as Error).message, attempt, retryInMs: delay },
          `database unreachable or not ready: ${(err as Error).message}; retrying in ${delay} ms`,
        );
      },
    });
  }

  async function startGateway(
    port: DeviceHivePort,
    ledger?: ReturnType<typeof createRequestLedger>,
  ): Promise<Gateway> {
    const started = await createGateway({
      deviceHive: port,
      bus,
      events,
      ...(ledger ? { ledger } : {}),
      logger: logger.child({ component: 'gateway' }),
      metrics,
    });
    serving = true;
    logger.info(remote ? 'gateway serving (backend: remote DeviceHive)' : 'gateway serving');
    return started;
  }

  return {
    listenHealth: () => listen(http, config.httpPort, config.host, 'DH_HTTP_PORT'),
    async start() {
      const { openPushes } = deps;
      if (openPushes) {
        // In the background: requests are served meanwhile, their pushes left to the broker pods.
        opening = openPushes(shutdown.signal).then(
          async (publisher) => {
            if (shuttingDown) {
              await publisher.close();
              return;
            }
            pushes = publisher;
            logger.info('pushes published by this gateway into the MQTT fabric (docs/adr/0021)');
          },
          (err: unknown) => {
            if (shuttingDown) return;
            logger.error(
              { err: (err as Error).message },
              'push publisher failed to open; the broker pods publish every push',
            );
          },
        );
        // Serve with it from the first request when Redis is there; a Redis that is not does
        // not hold the requests up for longer than this.
        await Promise.race([opening, pause(PUSHES_OPEN_WAIT_MS, shutdown.signal)]);
      }
      if (remote) {
        gateway = await startGateway(remote.deviceHive);
        // The server's events are published on the bus, which serves from here on.
        remote.start();
        return;
      }
      deviceHive = await openCore();
      if (shuttingDown) throw new Error('shutdown started before the gateway was up');
      logger.info('waiting for the bus');
      // Kafka may deliver a request again, to another gateway, after a rebalance: the shared
      // ledger lets only the first gateway run it (docs/reliability.md, "Kafka restart").
      const ledger = createRequestLedger(deviceHive.sql);
      pruneTimer = setInterval(() => {
        ledger
          .prune(Date.now() - REQUEST_LEDGER_RETENTION_MS)
          .catch((err: unknown) =>
            logger.warn({ err: (err as Error).message }, 'request ledger prune failed'),
          );
      }, 60_000);
      pruneTimer.unref();
      gateway = await startGateway(deviceHive, ledger);
    },
    shutdownSteps: [
      {
        name: 'readiness',
        close: () => {
          shuttingDown = true;
          shutdown.abort(new Error('shutdown started before the core was open'));
        },
      },
      // Closing the gateway closes its transport, the bus; without a gateway, close the bus here.
      { name: 'gateway', close: () => (gateway ? gateway.close() : bus.close()) },
      {
        name: 'pushes',
        close: async () => {
          await opening;
          await pushes?.close();
        },
      },
      {
        name: 'core',
        close: () => {
          clearInterval(pruneTimer);
          return remote ? remote.close() : deviceHive?.close();
        },
      },
      { name: 'http', close: () => closeServer(http) },
    ],
  };
}
