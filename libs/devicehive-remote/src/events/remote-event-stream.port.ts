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

/** Timings and bounds of the stream (docs/adr/0015); every field has a default. */
export interface RemoteEventStreamTuning {
  /** WebSocket ping period; a connection without a pong for two periods is dropped. Default 15 s. */
  heartbeatMs?: number;
  /** First reconnect delay, doubled per failed attempt (with jitter). Default 500 ms. */
  reconnectMinMs?: number;
  /** Longest reconnect delay. Default 30 s. */
  reconnectMaxMs?: number;
  /** How far before the last event seen a catch-up starts (equal timestamps, late inserts). Default 2 s. */
  catchUpMarginMs?: number;
  /** Event keys remembered to drop duplicates after a catch-up. Default 20 000. */
  recentKeys?: number;
  /** Events handed to `onEvent` and not yet settled before the socket is paused. Default 1 000. */
  maxInFlight?: number;
  /** Device (network, type) lookups cached for events lacking them. Default 10 000 devices, 60 s. */
  deviceCacheSize?: number;
  deviceCacheTtlMs?: number;
  /** One request's timeout (authenticate, subscribe, REST). Default 10 s. */
  requestTimeoutMs?: number;
}

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
  /**
   * Catch up from this remote timestamp (epoch ms) on the first connection too, e.g. when taking
   * over the stream from another pod (docs/adr/0015). Without it the first connection delivers
   * only new events.
   */
  since?: number;
  tuning?: RemoteEventStreamTuning;
}

/** Device events of an existing DeviceHive server, as the gateway's device events. */
export interface RemoteEventStream {
  /**
   * Connects and subscribes; resolves once the first subscription is confirmed. While the server
   * cannot be reached it keeps retrying (with backoff); `close()` rejects a pending start.
   */
  start(): Promise<void>;
  /** True while the stream is connected and subscribed (readiness). */
  isConnected(): boolean;
  /** The newest event timestamp seen (remote clock, epoch ms), null before the first event. */
  lastEventAt(): number | null;
  close(): Promise<void>;
}
