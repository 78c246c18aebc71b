import type { Worker } from 'node:worker_threads';
import { createBroker, drainRequests, startListeners, type DhBroker } from '@dh-mqtt/broker';
import { acquireDataDirLock } from '@dh-mqtt/devicehive';
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
import {
  startGatewayInMain,
  startGatewayWorker,
  type GatewaySide,
} from './gateway-thread/gateway-thread';

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
  /** Where the gateway, the core and PGlite run (`DH_GATEWAY_THREAD`, docs/adr/0016). */
  readonly gatewayThread: 'worker' | 'main';
  /** The gateway thread in `worker` mode (diagnostics: heap snapshots, resource usage). */
  readonly gatewayWorker?: Worker;
  /**
   * Resolves with the error if the gateway thread dies while the process runs (never in `main`
   * mode): requests are answered 503 from then on and `/readyz` says 503; main exits non-zero.
   */
  readonly gatewayLost: Promise<Error>;
  /**
   * The close sequence, in order: readiness, API, listeners, broker, bus, gateway (it drains, then
   * the core closes; in its thread by default), health endpoint, data directory lock.
   */
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
    // The gateway thread's series join /metrics once it runs.
    const gatewayMetrics: { text?: () => Promise<string> } = {};
    const http = createHttpServer({
      checks,
      metrics,
      isShuttingDown: () => shuttingDown,
      moreMetrics: async () => (gatewayMetrics.text ? gatewayMetrics.text() : ''),
    });
    const httpPort = await listen(http, config.httpPort, config.host, 'DH_HTTP_PORT');
    started('http', () => closeServer(http));

    // The gateway, the core and PGlite: in a worker thread (the default) or on this one.
    const side = config.gatewayThread === 'main' ? startGatewayInMain : startGatewayWorker;
    const gatewaySide = await side({ config, logger, metrics });
    const gatewayThread = gatewaySide;
    gatewayMetrics.text = () => gatewayThread.metricsText();
    started('gateway', () => gatewayThread.close());
    checks.register(gatewaySide.backend === 'remote' ? 'remote' : 'storage', () =>
      gatewayThread.ping(),
    );
    const bus = gatewaySide.bus;

    await bus.start();
    started('bus', () => bus.close());

    const broker = await createBroker({ bus, logger, config, metrics });
    started('broker', () => broker.close());
    // Closed after the listeners and the API, before the broker: every request taken (queued
    // behind a client's earlier ones included: QoS 1 acknowledged them) gets its reply.
    started('requests', () => drainRequests(() => broker.metrics.pendingRequests, config, logger));
    // The remote server's events go through the bus to the broker: both serve from here on.
    gatewaySide.startEvents();
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
        gatewayThread: gatewaySide.thread,
      },
      'standalone listening',
    );
    void gatewaySide.lost.then((err) => {
      // Nothing answers requests any more: not ready, and the main decides to exit.
      checks.register('gateway thread', () => false);
      logger.fatal({ err }, 'gateway thread lost');
    });
    return assemble(ports, broker, gatewaySide);
  } catch (err) {
    await runSteps(logger, [...parts].reverse());
    throw err;
  }

  function assemble(ports: StandalonePorts, broker: DhBroker, side: GatewaySide): Standalone {
    const shutdownSteps: ShutdownStep[] = [
      { name: 'readiness', close: () => void (shuttingDown = true) },
      ...[...parts].reverse(),
    ];
    let closing: Promise<void> | undefined;
    return {
      ports,
      broker,
      gatewayThread: side.thread,
      gatewayWorker: side.worker,
      gatewayLost: side.lost,
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
