import type { Server } from 'node:net';
import {
  createBroker,
  createTcpServer,
  createTlsServer,
  createWsServer,
  readTlsFiles,
  type DhBroker,
} from '@dh-mqtt/broker';
import type { BrokerBus } from '@dh-mqtt/bus';
import {
  HealthChecks,
  closeServer,
  createHttpServer,
  createMetricsRegistry,
  listen,
  type BrokerConfig,
  type Logger,
  type ShutdownStep,
} from '@dh-mqtt/runtime';

/** A running broker pod. */
export interface BrokerApp {
  /** `tls` only when a certificate is configured. */
  readonly ports: { mqtt: number; ws: number; http: number; tls?: number };
  readonly broker: DhBroker;
  /** In order: readiness off, stop accepting, broker, bus, health endpoint. */
  readonly shutdownSteps: readonly ShutdownStep[];
}

/**
 * Starts a broker pod on `bus` (which it starts and, on shutdown, closes): the aedes broker, the
 * MQTT/TCP, MQTT/WebSocket and health/metrics listeners.
 */
export async function startBrokerApp(
  config: BrokerConfig,
  deps: { bus: BrokerBus; logger: Logger },
): Promise<BrokerApp> {
  const { bus, logger } = deps;
  let shuttingDown = false;
  await bus.start();
  const broker = await createBroker({ bus, logger, config });
  const checks = new HealthChecks();
  checks.register('broker', () => !broker.aedes.closed);
  const http = createHttpServer({
    checks,
    metrics: createMetricsRegistry({ app: 'broker' }),
    isShuttingDown: () => shuttingDown,
  });
  const tcp = createTcpServer(broker, { maxPacketSize: config.maxPacketSize });
  const ws = createWsServer(broker, { path: config.wsPath, maxPayload: config.maxPacketSize });
  const tls = config.tls
    ? createTlsServer(broker, { ...readTlsFiles(config.tls), maxPacketSize: config.maxPacketSize })
    : undefined;
  const ports: BrokerApp['ports'] = {
    http: await listen(http, config.httpPort, config.host),
    mqtt: await listen(tcp, config.mqttPort, config.host),
    ws: await listen(ws, config.wsPort, config.host),
    ...(tls && config.tls ? { tls: await listen(tls, config.tls.port, config.host) } : {}),
  };
  logger.info({ ports, wsPath: config.wsPath, host: config.host }, 'broker listening');
  return {
    ports,
    broker,
    shutdownSteps: [
      { name: 'readiness', close: () => void (shuttingDown = true) },
      { name: 'listeners', close: () => stopAccepting(tls ? [tcp, ws, tls] : [tcp, ws]) },
      { name: 'broker', close: () => broker.close() },
      { name: 'bus', close: () => bus.close() },
      { name: 'http', close: () => closeServer(http) },
    ],
  };
}

function stopAccepting(servers: Server[]): void {
  for (const server of servers) if (server.listening) server.close();
}
