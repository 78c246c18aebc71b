import { createInProcessBus, registerBusMetrics } from '@dh-mqtt/bus';
import { createGateway } from '@dh-mqtt/gateway';
import { EMBEDDED_REPLY_CACHE, openBackend } from './backend';
import type { GatewaySide, GatewaySideOptions } from './gateway-thread';

/** `DH_GATEWAY_THREAD=main`: everything on the main thread, joined by the in-process bus. */
export async function startGatewayHere(options: GatewaySideOptions): Promise<GatewaySide> {
  const { config, logger, metrics } = options;
  const bus = createInProcessBus({ requestTimeoutMs: config.requestTimeoutMs });
  const backend = await openBackend({
    config,
    logger,
    metrics,
    publishEvent: (event) => bus.gateway.publishEvent(event),
  });
  // The in-process bus is up while the process is.
  registerBusMetrics(metrics, {});
  try {
    const gateway = await createGateway({
      deviceHive: backend.deviceHive,
      bus: bus.gateway,
      logger: logger.child({ component: 'gateway' }),
      requestTimeoutMs: config.requestTimeoutMs,
      metrics,
      dedup: EMBEDDED_REPLY_CACHE,
    });
    return {
      thread: 'main',
      backend: backend.kind,
      bus: bus.broker,
      ping: () => backend.ready(),
      startEvents: () => backend.startEvents(),
      metricsText: async () => '',
      lost: new Promise<Error>(() => undefined),
      async close() {
        await gateway.close();
        await backend.close();
      },
    };
  } catch (error) {
    await backend.close();
    throw error;
  }
}
