import type {
  DeviceEvent,
  Principal,
  Reply,
  RequestMessage,
  RequestSubscription,
} from '@dh-mqtt/protocol';

/** Version of the envelopes below; carried in every message (Kafka header `dh-schema`). */
export const BUS_SCHEMA_VERSION = 1;

/**
 * A request on its way from a broker to a gateway (docs/architecture.md "Request"). The raw MQTT
 * publish never reaches any MQTT subscriber; this envelope is all the gateway sees.
 */
export interface RequestEnvelope {
  v: typeof BUS_SCHEMA_VERSION;
  /** Correlation id, unique per request; also the de-duplication key. */
  id: string;
  clientId: string;
  brokerId: string;
  /** The session principal when the request was published; null = anonymous. */
  principal: Principal | null;
  /** Parsed `dh/request` payload: a JSON object with a string `action`. */
  request: RequestMessage;
  /** Epoch ms after which the broker has given up waiting (it replied with a timeout error). */
  deadline: number;
}

/** What a session action changes on the broker side (ActionHandling `session`). */
export type SessionEffect =
  | { kind: 'authenticate'; principal: Principal }
  | {
      kind: 'subscribe';
      subscription: RequestSubscription;
      /** Stored events replayed after the reply (timestamp replay, docs/api/subscriptions.md). */
      replay: DeviceEvent[];
    };

export interface ReplyEnvelope {
  v: typeof BUS_SCHEMA_VERSION;
  id: string;
  clientId: string;
  brokerId: string;
  reply: Reply;
  effect?: SessionEffect;
}

/**
 * What a bus gives the handler of one request besides the envelope. `sequenced()`: the request's
 * effects are ordered (docs/adr/0017-pipelined-requests.md) — the client's next request, if the
 * catalog marks it `pipelined`, may start now instead of when this one settles. Calling it is
 * optional and idempotent.
 */
export interface RequestSignals {
  sequenced(): void;
}

export type RequestHandler = (
  request: RequestEnvelope,
  signals?: RequestSignals,
) => Promise<ReplyEnvelope>;
export type EventHandler = (event: DeviceEvent) => Promise<void> | void;

/** The broker's side of the bus. */
export interface BrokerBus {
  /**
   * Sends a request and resolves with its reply. Rejects with a DhError
   * (`DH_ERR_BACKEND_TIMEOUT` / `DH_ERR_BACKEND_UNAVAILABLE`) when no reply comes by the
   * envelope's deadline: the caller turns that into an error reply, never silence.
   */
  request(request: RequestEnvelope): Promise<ReplyEnvelope>;
  /** Device events, each delivered to exactly one broker of the group. */
  onEvent(handler: EventHandler): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PublishEventOptions {
  /** The event's push is in the MQTT fabric already: no broker publishes it again. */
  pushed?: boolean;
}

/** The gateway's side of the bus. */
export interface GatewayBus {
  /** Registers the request handler (one per process); requests of one client arrive in order. */
  serve(handler: RequestHandler): void;
  /**
   * Publishes a device event for the broker group; resolves once the bus holds it. With
   * `pushed`, the gateway has already published the event's push into the MQTT fabric itself
   * (docs/adr/0021-pushes-published-by-the-gateway.md): the bus still carries the event (the
   * Kafka event topic is a product feature) but hands it to no broker's event handler.
   */
  publishEvent(event: DeviceEvent, options?: PublishEventOptions): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}
