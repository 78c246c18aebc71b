import { createInProcessBus, registerBusMetrics } from '@dh-mqtt/bus';
import { createDeviceHive } from '@dh-mqtt/devicehive';
import { createGateway } from '@dh-mqtt/gateway';
import type { GatewaySide, GatewaySideOptions } from './gateway-thread';

/** `DH_GATEWAY_THREAD=main`: everything on the main thread, joined by the in-process bus. */
export async function startGatewayHere(options: GatewaySideOptions): Promise<GatewaySide> {
  const { config, logger, metrics } = options;
  const deviceHive = await createDeviceHive({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    adminPassword: config.adminPassword,
    jwtSecret: config.jwtSecret,
    allowDefaultAdminPassword: config.allowDefaultAdminPassword,
    logger: logger.child({ component: 'core' }),
    metrics,
  });
  const bus = createInProcessBus({ requestTimeoutMs: config.requestTimeoutMs });
  // The in-process bus is up while the process is.
  registerBusMetrics(metrics, {});
  try {
    const gateway = await createGateway({
      deviceHive,
      bus: bus.gateway,
      logger: logger.child({ component: 'gateway' }),
      requestTimeoutMs: config.requestTimeoutMs,
      metrics,
    });
    return {
      thread: 'main',
      bus: bus.broker,
      ping: () => deviceHive.ping(),
      metricsText: async () => '',
      lost: new Promise<Error>(() => undefined),
      async close() {
        await gateway.close();
        await deviceHive.close();
      },
    };
  } catch (error) {
    await deviceHive.close();
    throw error;
  }
}
