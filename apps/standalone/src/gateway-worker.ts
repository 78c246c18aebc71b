import 'reflect-metadata';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { Gauge, Registry } from 'prom-client';
import { createWorkerGatewayBus } from '@dh-mqtt/bus';
import { createGateway, type Gateway } from '@dh-mqtt/gateway';
import { createLogger, type LogLevel } from '@dh-mqtt/runtime';
import { EMBEDDED_REPLY_CACHE, openBackend, type Backend } from './gateway-thread/backend';
import { registerThreadPauseMetrics } from './gateway-thread/thread-pauses';
import type {
  FromGatewayThread,
  GatewayWorkerData,
  ToGatewayThread,
} from './gateway-thread/messages';

/**
 * The gateway thread of the embedded process (docs/adr/0016): the DeviceHive core on PGlite and
 * the NestJS gateway, serving the worker bus whose other end is the broker in the main thread.
 * Its log lines go to the main thread's log stream, its metrics are read by the main thread's
 * `/metrics`, and the main thread decides when it closes.
 */
const port = parentPort;
if (!port) throw new Error('gateway-worker runs in a worker thread (apps/standalone)');
const { config, logLevel, busPort } = workerData as GatewayWorkerData;

const post = (message: FromGatewayThread) => port.postMessage(message);

const logger = createLogger({
  level: logLevel as LogLevel,
  name: 'standalone',
  format: 'json',
  // The main thread writes each line into its own stream (JSON or pretty), after its own lines.
  destination: { write: (line: string) => post({ type: 'log', line }) },
}).child({ thread: 'gateway' });

// Only the gateway's and the core's series: the process-wide ones (CPU, RSS, ...) are the main
// thread's, and the names of both threads never overlap, so the texts simply follow each other.
const metrics = new Registry();
metrics.setDefaultLabels({ app: 'standalone' });
new Gauge({
  name: 'dh_gateway_thread_heap_used_bytes',
  help: 'V8 heap used by the gateway thread (the core, PGlite and the gateway), in bytes',
  registers: [metrics],
  collect() {
    this.set(getHeapStatistics().used_heap_size);
  },
});
const stopPauseMetrics = registerThreadPauseMetrics(metrics);

let backend: Backend | undefined;
let gateway: Gateway | undefined;
let closing: Promise<void> | undefined;

async function start(): Promise<void> {
  const bus = createWorkerGatewayBus(busPort);
  backend = await openBackend({
    config,
    logger,
    metrics,
    publishEvent: (event) => bus.publishEvent(event),
    // The main thread took the data directory's lock before any port was bound.
    dataDirLockHeld: true,
  });
  gateway = await createGateway({
    deviceHive: backend.deviceHive,
    bus,
    logger: logger.child({ component: 'gateway' }),
    requestTimeoutMs: config.requestTimeoutMs,
    metrics,
    dedup: EMBEDDED_REPLY_CACHE,
  });
}

/** Gateway first (it drains the requests being handled), then the core. */
async function close(): Promise<void> {
  try {
    await gateway?.close();
  } catch (err) {
    logger.error({ step: 'gateway', err }, 'close failed');
  }
  try {
    await backend?.close();
  } catch (err) {
    logger.error({ step: 'backend', err }, 'close failed');
  }
  stopPauseMetrics();
  busPort.close();
}

async function answer(id: number, run: () => Promise<unknown>): Promise<void> {
  try {
    post({ type: 'answer', id, value: await run() });
  } catch (error) {
    post({ type: 'answer', id, value: undefined, error: (error as Error).message });
  }
}

port.on('message', (message: ToGatewayThread) => {
  switch (message.type) {
    case 'ping':
      void answer(message.id, async () => (backend ? backend.ready() : false));
      break;
    case 'start-events':
      backend?.startEvents();
      break;
    case 'metrics':
      void answer(message.id, () => metrics.metrics());
      break;
    case 'close':
      closing ??= close().then(() => {
        post({ type: 'closed' });
        port.close();
      });
      break;
  }
});

start().then(
  () => post({ type: 'ready' }),
  async (error: Error) => {
    await close();
    post({ type: 'failed', message: error.message, stack: error.stack });
    port.close();
  },
);
