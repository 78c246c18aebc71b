import type { IClientOptions } from 'mqtt';
import type {
  CommandInsertPush,
  CommandUpdatePush,
  DhPush,
  NotificationInsertPush,
} from './action-types';
import type { ReplyMessage } from './pending-requests';

/** An access token and the refresh token that renews it (docs/api/session.md). */
export interface DhTokens {
  accessToken: string;
  refreshToken?: string;
}

/** How `DhClient.connect` reaches and authenticates to dh-mqtt. */
export interface DhClientOptions {
  /** `mqtt://host:1883`, `mqtts://host:8883`, `ws://host:8083/mqtt`, `wss://host:8084/mqtt`. */
  url: string;
  /** MQTT client id; a random `dh-…` one by default. */
  clientId?: string;
  /** Credentials on CONNECT (docs/security.md); leave out for an anonymous session. */
  username?: string;
  password?: string;
  /** Sent in an `authenticate` request after every connect. */
  accessToken?: string;
  /** Renews an expired `accessToken` (`token/refresh`) at reconnect; `token` is emitted. */
  refreshToken?: string;
  /** How long a request waits for its reply; default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Pause between reconnect attempts; default 1000 ms, 0 = never reconnect. */
  reconnectPeriodMs?: number;
  /** CONNACK wait; default 10 000 ms. */
  connectTimeoutMs?: number;
  /** MQTT clean session; default true. */
  clean?: boolean;
  /** Any other MQTT.js option (TLS CA, WebSocket options, keepalive, …). */
  mqttOptions?: IClientOptions;
}

/** Events of `DhClient` (`client.on(name, handler)`). */
export type DhClientEvents = {
  /** Connected (again), authenticated, subscriptions restored. */
  ready: [];
  /** The connection was lost; requests wait for the reconnect. */
  offline: [];
  /** A connection, authentication or resubscription failure. */
  error: [Error];
  /** The access token was refreshed. */
  token: [DhTokens];
  /** Every push, then the kind's own event. */
  push: [DhPush, string];
  notification: [NotificationInsertPush, string];
  command: [CommandInsertPush, string];
  commandUpdate: [CommandUpdatePush, string];
  /** A reply to no request of this client: a native publish's outcome, a will's reply. */
  reply: [ReplyMessage, string];
};

/** A request-made subscription; its `id` changes when a reconnect makes it again. */
export interface DhSubscription {
  readonly id: number | undefined;
  /** `notification/unsubscribe` or `command/unsubscribe`; no more pushes reach the handler. */
  unsubscribe(): Promise<void>;
}
