import type { MessagePort } from 'node:worker_threads';
import type { LogLevel, StandaloneConfig } from '@dh-mqtt/runtime';

/** What the main thread gives the gateway thread (docs/adr/0016). */
export interface GatewayWorkerData {
  config: StandaloneConfig;
  /** The main logger's level: lines below it are not even written in the worker. */
  logLevel: LogLevel | string;
  /** The gateway's end of the worker bus (transferred). */
  busPort: MessagePort;
}

/** Main → worker, on the worker's own port (the bus has a port of its own). */
export type ToGatewayThread =
  | { type: 'ping'; id: number }
  | { type: 'metrics'; id: number }
  | { type: 'start-events' }
  | { type: 'close' };

/** Worker → main. */
export type FromGatewayThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'log'; line: string }
  | { type: 'answer'; id: number; value: unknown; error?: string }
  | { type: 'closed' };
