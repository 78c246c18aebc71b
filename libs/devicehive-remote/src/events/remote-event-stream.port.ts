import type { DeviceEvent } from '@dh-mqtt/protocol';
import type { Registry } from 'prom-client';

/** Where the remote backend logs (pino-compatible). Never given passwords or tokens. */
export interface RemoteLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** The remote server's addresses (`DH_DEVICEHIVE_URL`, `DH_DEVICEHIVE_AUTH_URL`, `DH_DEVICEHIVE_WS_URL`). */
export interface RemoteEndpoints {
  /** REST base, e.g. `http://dh.example:8080/api/rest`. */
  restUrl: string;
  /** Token endpoints' base, e.g. `http://dh.example:8080/auth/rest`. */
  authUrl: string;
  /** WebSocket API, e.g. `ws://dh.example:8080/api/websocket`. */
  wsUrl: string;
}

/** The identity the event stream uses on the remote server: an administrator. */
export type ServiceCredentials = { login: string; password: string } | { refreshToken: string };

export interface RemoteEventStreamOptions {
  endpoints: RemoteEndpoints;
  credentials: ServiceCredentials;
  /**
   * Called for each device event the remote server reports, once per event; awaited before the
   * next event of the same device (back-pressure, per-device order). A rejection is logged and
   * retried (the event is not skipped).
   */
  onEvent(event: DeviceEvent): Promise<void>;
  logger: RemoteLogger;
  /** Registers the stream's metrics (docs/operations.md). */
  registry?: Registry;
}

/** Device events of an existing DeviceHive server, as the gateway's device events. */
export interface RemoteEventStream {
  /** Connects and subscribes; resolves once the first subscription is confirmed. */
  start(): Promise<void>;
  /** True while the stream is connected and subscribed (readiness). */
  isConnected(): boolean;
  close(): Promise<void>;
}
