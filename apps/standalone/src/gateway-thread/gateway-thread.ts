import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  createWorkerBrokerBus,
  registerBusMetrics,
  type BrokerBus,
  type WorkerBrokerBus,
} from '@dh-mqtt/bus';
import type { Logger, StandaloneConfig } from '@dh-mqtt/runtime';
import type * as InMain from './gateway-in-main';
import type { FromGatewayThread, GatewayWorkerData, ToGatewayThread } from './messages';

/**
 * The gateway, the core and PGlite as the broker sees them, wherever they run
 * (`DH_GATEWAY_THREAD`, docs/adr/0016): the broker's end of the bus, the storage probe, the
 * gateway side's metrics text, and its close (the gateway drains, then the core closes).
 */
export interface GatewaySide {
  readonly thread: 'worker' | 'main';
  /** The DeviceHive core, or an existing DeviceHive server (`DH_DEVICEHIVE_URL`, docs/adr/0014). */
  readonly backend: 'core' | 'remote';
  readonly bus: BrokerBus;
  /** Readiness: `SELECT 1` on the core's storage, or the remote server and its event stream. */
  ping(): Promise<boolean>;
  /** Starts the remote server's event stream once the broker consumes events (no-op for the core). */
  startEvents(): void;
  /** Prometheus text of the series kept in the gateway thread ('' when they share the registry). */
  metricsText(): Promise<string>;
  /** The gateway thread (`worker` mode): heap snapshots, resource usage, diagnostics. */
  readonly worker?: Worker;
  /** Resolves with the error if the gateway thread dies while the process runs; never otherwise. */
  readonly lost: Promise<Error>;
  close(): Promise<void>;
}

export interface GatewaySideOptions {
  config: StandaloneConfig;
  logger: Logger;
  /** The main thread's registry (its `/metrics`). */
  metrics: Registry;
}

/**
 * Today's path (`DH_GATEWAY_THREAD=main`): everything on the main thread, the in-process bus.
 * Loaded on demand, so in worker mode the main thread never loads NestJS or the gateway.
 */
export async function startGatewayInMain(options: GatewaySideOptions): Promise<GatewaySide> {
  // Loaded on demand (CommonJS require): worker mode never loads NestJS on the main thread.
  const { startGatewayHere } = require('./gateway-in-main') as typeof InMain;
  return startGatewayHere(options);
}

/** Where the worker entry is: compiled beside this folder, or (jest, sources) its TypeScript. */
function workerEntry(): { filename: string; eval: boolean } {
  const compiled = resolve(__dirname, '../gateway-worker.js');
  if (existsSync(compiled)) return { filename: compiled, eval: false };
  // Running from the sources (the specs): the worker compiles them as it loads them.
  const source = resolve(__dirname, '../gateway-worker.ts');
  const register = join(__dirname, '../../../../tools/scripts/register-ts.cjs');
  const load = (file: string) => `require(${JSON.stringify(file)});`;
  return { filename: `${load(register)}${load(source)}`, eval: true };
}

/** How long `/readyz` and `/metrics` wait for the gateway thread's answer. */
const ASK_TIMEOUT_MS = 2_000;

/**
 * `DH_GATEWAY_THREAD=worker` (the default): the core, PGlite and the gateway in a worker thread
 * (apps/standalone/src/gateway-worker.ts), the broker's end of the worker bus here. Resolves once
 * the gateway serves; rejects with the worker's error if it could not start.
 */
export async function startGatewayWorker(options: GatewaySideOptions): Promise<GatewaySide> {
  const { config, logger, metrics } = options;
  const channel = new MessageChannel();
  const bus: WorkerBrokerBus = createWorkerBrokerBus(channel.port1, {
    requestTimeoutMs: config.requestTimeoutMs,
    onEventHandlerError: (err) => logger.error({ err }, 'device event handler failed'),
  });
  const data: GatewayWorkerData = {
    config,
    logLevel: logger.level,
    busPort: channel.port2,
  };
  const entry = workerEntry();
  const worker = new Worker(entry.filename, {
    eval: entry.eval,
    workerData: data,
    transferList: [channel.port2],
    // The thread's stdout/stderr are the process's (a crash's last words reach the console).
    stdout: false,
    stderr: false,
  });
  // Log lines of the worker join the main logger's stream: same format, same destination.
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[
    pino.symbols.streamSym
  ];
  const answers = new Map<number, (message: { value: unknown; error?: string }) => void>();
  let nextId = 0;
  let closing = false;
  let exited = false;
  let markLost!: (error: Error) => void;
  const lost = new Promise<Error>((resolve) => (markLost = resolve));
  let startOutcome!: { ok(): void; fail(error: Error): void };
  const started = new Promise<void>((ok, fail) => (startOutcome = { ok, fail }));
  const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  worker.on('message', (message: FromGatewayThread) => {
    switch (message.type) {
      case 'log':
        stream?.write(message.line);
        break;
      case 'answer':
        answers.get(message.id)?.(message);
        answers.delete(message.id);
        break;
      case 'ready':
        startOutcome.ok();
        break;
      case 'failed': {
        const error = new Error(message.message);
        if (message.stack) error.stack = message.stack;
        startOutcome.fail(error);
        break;
      }
      case 'closed':
        break;
    }
  });
  let failure: Error | undefined;
  worker.on('error', (err) => {
    failure = err;
    logger.error({ err, thread: 'gateway' }, 'gateway thread failed');
  });
  worker.on('exit', (code) => {
    exited = true;
    bus.peerLost();
    for (const reply of answers.values())
      reply({ value: undefined, error: 'gateway thread exited' });
    answers.clear();
    const error = new Error(
      `gateway thread exited with code ${code}${failure ? `: ${failure.message}` : ''}`,
    );
    startOutcome.fail(error);
    if (!closing) markLost(error);
  });

  /** A question to the thread; a thread that does not answer in time (busy, stuck) fails it. */
  function ask(message: { type: 'ping' | 'metrics' }): Promise<unknown> {
    if (exited) return Promise.reject(new Error('gateway thread exited'));
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        answers.delete(id);
        reject(new Error(`gateway thread did not answer ${message.type} in ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      answers.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer.value);
      });
      worker.postMessage({ ...message, id } satisfies ToGatewayThread);
    });
  }

  async function close(): Promise<void> {
    closing = true;
    if (exited) return;
    worker.postMessage({ type: 'close' } satisfies ToGatewayThread);
    // The worker drains its requests and closes the core; the shutdown timeout bounds the wait.
    const timer = setTimeout(() => void worker.terminate(), config.shutdownTimeoutMs);
    await closed;
    clearTimeout(timer);
    channel.port1.close();
  }

  try {
    await started;
    await bus.untilServing();
  } catch (error) {
    await close();
    throw error;
  }
  // dh_bus_up: 0 once the gateway thread stops serving.
  registerBusMetrics(metrics, {
    get ready() {
      return bus.ready;
    },
  });
  registerWorkerMetrics(metrics, bus, worker);
  return {
    thread: 'worker',
    backend: config.remote ? 'remote' : 'core',
    worker,
    bus,
    startEvents: () => {
      if (!exited) worker.postMessage({ type: 'start-events' } satisfies ToGatewayThread);
    },
    ping: async () => (await ask({ type: 'ping' })) === true,
    metricsText: async () => (exited ? '' : String(await ask({ type: 'metrics' }))),
    lost,
    close,
  };
}

/**
 * The bus between the threads (`dh_worker_bus_messages_total{direction}`,
 * `dh_worker_bus_batches_total{direction}`: messages per batch is the batching's gain), and the
 * gateway thread's event loop (`dh_gateway_thread_event_loop_utilization`, 0–1 since the last
 * scrape: near 1 means the core's thread is the wall).
 */
function registerWorkerMetrics(registry: Registry, bus: WorkerBrokerBus, worker: Worker): void {
  const counted = (name: string, help: string, read: (direction: 'out' | 'in') => number) => {
    const reported = { out: 0, in: 0 };
    const counter: Counter<'direction'> = new Counter({
      name,
      help,
      labelNames: ['direction'],
      registers: [registry],
      collect() {
        for (const direction of ['out', 'in'] as const) {
          const value = read(direction);
          if (value > reported[direction]) counter.inc({ direction }, value - reported[direction]);
          reported[direction] = Math.max(value, reported[direction]);
        }
      },
    });
    // Both series from the first scrape on, 0 before any traffic (rate() needs a start).
    for (const direction of ['out', 'in'] as const) counter.inc({ direction }, 0);
  };
  counted(
    'dh_worker_bus_messages_total',
    'Messages between the broker thread and the gateway thread (out: requests, in: replies and events)',
    (direction) =>
      direction === 'out' ? bus.counters().messagesSent : bus.counters().messagesReceived,
  );
  counted(
    'dh_worker_bus_batches_total',
    'postMessage calls between the threads (out: the broker thread, in: the gateway thread); messages per batch is the batching gain',
    (direction) =>
      direction === 'out' ? bus.counters().batchesSent : bus.counters().batchesReceived,
  );
  let last = worker.performance.eventLoopUtilization();
  new Gauge({
    name: 'dh_gateway_thread_event_loop_utilization',
    help: 'Share of time the gateway thread was busy since the previous scrape (0-1)',
    registers: [registry],
    collect() {
      const now = worker.performance.eventLoopUtilization();
      this.set(worker.performance.eventLoopUtilization(now, last).utilization);
      last = now;
    },
  });
}
