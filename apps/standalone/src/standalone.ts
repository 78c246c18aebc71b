import { createBroker, startListeners, type DhBroker } from '@dh-mqtt/broker';
import { createInProcessBus, registerBusMetrics } from '@dh-mqtt/bus';
import { acquireDataDirLock, createDeviceHive, type DeviceHivePort } from '@dh-mqtt/devicehive';
import { openRemoteBackend } from '@dh-mqtt/devicehive-remote';
import { createGateway } from '@dh-mqtt/gateway';
import { createApiServer } from '@dh-mqtt/http-api';
import {
  HealthChecks,
  closeServer,
  createHttpServer,
  createLogger,
  createMetricsRegistry,
  listen,
  type Logger,
  type ShutdownStep,
  type StandaloneConfig,
} from '@dh-mqtt/runtime';

/** The ports actually bound (differ from the config when it asked for 0). */
export interface StandalonePorts {
  mqtt: number;
  ws: number;
  http: number;
  /** DeviceHive's REST and WebSocket APIs; absent when `DH_API_PORT=off`. */
  api?: number;
  /** MQTT over TLS; absent when no certificate is configured. */
  tls?: number;
  /** MQTT over secure WebSocket; absent when no certificate is configured. */
  wss?: number;
}

/** The embedded process, running. */
export interface Standalone {
  readonly ports: StandalonePorts;
  readonly broker: DhBroker;
  /** The close sequence, in order: API, listeners, broker, gateway, bus, core, health endpoint. */
  readonly shutdownSteps: readonly ShutdownStep[];
  /** Runs `shutdownSteps` in order (each failure logged, the next step still run). */
  close(): Promise<void>;
}

export interface StandaloneOptions {
  /** Defaults to a pino logger at `config.logLevel`. */
  logger?: Logger;
}

/**
 * Starts broker + gateway + core in one process (docs/design.md, the embedded default): the core on
 * PGlite (or PostgreSQL when `databaseUrl` is set), the in-process bus, the NestJS gateway, the
 * aedes broker, the MQTT listeners (TCP and WebSocket; TLS and secure WebSocket when a certificate
 * is configured) and the health/metrics listener. Resolves once
 * everything listens; on a failure the parts already started are closed again.
 */
export async function startStandalone(
  config: StandaloneConfig,
  options: StandaloneOptions = {},
): Promise<Standalone> {
  const logger =
    options.logger ??
    createLogger({ level: config.logLevel, format: config.logFormat, name: 'standalone' });
  // Parts register their close in start order; shutdown runs them in reverse.
  const parts: ShutdownStep[] = [];
  const started = (name: string, close: () => Promise<void> | void) => parts.push({ name, close });
  let ready = false;
  let shuttingDown = false;

  try {
    // A second process on the same data directory stops here, before it binds a port
    // (docs/security.md); the lock is released last.
    const remote = config.remote;
    if (!config.databaseUrl && !remote) {
      const lock = await acquireDataDirLock(config.dataDir);
      started('data directory lock', () => lock.release());
    }
    // The health endpoint comes first and goes last: /readyz says 503 until everything is up
    // and again as soon as shutdown starts.
    const checks = new HealthChecks();
    checks.register('started', () => ready);
    const metrics = createMetricsRegistry({ app: 'standalone' });
    const http = createHttpServer({
      checks,
      metrics,
      isShuttingDown: () => shuttingDown,
    });
    const httpPort = await listen(http, config.httpPort, config.host, 'DH_HTTP_PORT');
    started('http', () => closeServer(http));

    const bus = createInProcessBus({ requestTimeoutMs: config.requestTimeoutMs });
    let deviceHive: DeviceHivePort;
    let startEvents: () => void = () => undefined;
    if (remote) {
      // docs/adr/0014: an existing DeviceHive server is the backend; no local database.
      const backend = openRemoteBackend({
        endpoints: remote,
        credentials: remote.credentials,
        timeoutMs: remote.timeoutMs,
        jwtSecret: config.jwtSecret,
        logger: logger.child({ component: 'remote' }),
        registry: metrics,
        publishEvent: (event) => bus.gateway.publishEvent(event),
      });
      deviceHive = backend.deviceHive;
      startEvents = () => backend.start();
      started('remote backend', () => backend.close());
      checks.register('remote', () => backend.ready());
    } else {
      const core = await createDeviceHive({
        dataDir: config.dataDir,
        databaseUrl: config.databaseUrl,
        adminPassword: config.adminPassword,
        jwtSecret: config.jwtSecret,
        allowDefaultAdminPassword: config.allowDefaultAdminPassword,
        logger: logger.child({ component: 'core' }),
        metrics,
      });
      deviceHive = core;
      started('core', () => core.close());
      checks.register('storage', () => core.ping());
    }

    // The in-process bus is up while the process is.
    registerBusMetrics(metrics, {});
    const gateway = await createGateway({
      deviceHive,
      bus: bus.gateway,
      logger: logger.child({ component: 'gateway' }),
      requestTimeoutMs: config.requestTimeoutMs,
      metrics,
    });
    started('gateway', () => gateway.close());

    await bus.broker.start();
    started('bus', () => bus.broker.close());

    const broker = await createBroker({ bus: bus.broker, logger, config, metrics });
    started('broker', () => broker.close());
    // The remote server's events go through the bus to the broker: both serve from here on.
    startEvents();
    checks.register('broker', () => !broker.aedes.closed);

    const listeners = await startListeners(broker, config, { logger, metrics });
    // Closed first: stop accepting; closing the broker then ends the open connections.
    started('listeners', () => listeners.stopAccepting());
    const ports: StandalonePorts = { ...listeners.ports, http: httpPort };
    if (config.apiPort !== null) {
      // docs/adr/0012: the REST and WebSocket APIs are a face of the broker side.
      const api = createApiServer({
        face: broker,
        logger,
        maxRequestSize: config.maxRequestSize,
        metrics,
      });
      ports.api = await listen(api.server, config.apiPort, config.host, 'DH_API_PORT');
      started('api', async () => {
        const closed = closeServer(api.server);
        api.closeConnections();
        await closed;
      });
    }
    ready = true;
    // startedInMs: since the process started (issue 17's start-time figure, docs/operations.md).
    logger.info(
      {
        ports,
        wsPath: config.wsPath,
        host: config.host,
        startedInMs: Math.round(performance.now()),
      },
      'standalone listening',
    );
    return assemble(ports, broker);
  } catch (err) {
    await runSteps(logger, [...parts].reverse());
    throw err;
  }

  function assemble(ports: StandalonePorts, broker: DhBroker): Standalone {
    const shutdownSteps: ShutdownStep[] = [
      { name: 'readiness', close: () => void (shuttingDown = true) },
      ...[...parts].reverse(),
    ];
    let closing: Promise<void> | undefined;
    return {
      ports,
      broker,
      shutdownSteps,
      close: () => (closing ??= runSteps(logger, shutdownSteps)),
    };
  }
}

async function runSteps(logger: Logger, steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) {
    try {
      await step.close();
    } catch (err) {
      logger.error({ step: step.name, err }, 'close failed');
    }
  }
}
