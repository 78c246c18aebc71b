import { DhError, isPipelined, type DeviceEvent } from '@dh-mqtt/protocol';
import type {
  BrokerBus,
  EventHandler,
  GatewayBus,
  ReplyEnvelope,
  RequestEnvelope,
  RequestHandler,
} from '../bus.port';
import { KeyedSerialQueue } from '../internal/keyed-serial-queue';
import { waitForReply, type ReplyWaiter } from '../internal/reply-waiter';
import { wireCopy } from '../internal/wire-copy';

export interface InProcessBusOptions {
  /**
   * Upper bound of the wait for a reply, in ms, whatever the envelope's deadline says
   * (default 30 000). The wait ends at the earlier of the deadline and this bound.
   */
  requestTimeoutMs?: number;
  /** Called when a broker event handler throws; the event counts as delivered anyway. */
  onEventHandlerError?: (error: unknown, event: DeviceEvent) => void;
}

/** Both ends of one in-process bus (the embedded mode, docs/design.md). */
export interface InProcessBus {
  broker: BrokerBus;
  gateway: GatewayBus;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The broker↔gateway bus of the embedded mode, with the semantics of the Kafka bus (the bus
 * contract suite in `@dh-mqtt/bus/testing` runs against both):
 * - a client's requests are handled one after another, different clients concurrently;
 * - `request()` rejects with `DH_ERR_BACKEND_TIMEOUT` at the envelope's deadline, and with
 *   `DH_ERR_BACKEND_UNAVAILABLE` when no gateway serves or either side is closed;
 * - every envelope and event is copied as JSON, so no object is shared between the sides;
 * - `publishEvent` resolves once the broker's event handlers have run (they see the event
 *   before the gateway sends the reply of the request that caused it).
 */
export function createInProcessBus(options: InProcessBusOptions = {}): InProcessBus {
  const maxWaitMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const queue = new KeyedSerialQueue();
  const pending = new Set<ReplyWaiter>();
  const eventHandlers: EventHandler[] = [];
  let requestHandler: RequestHandler | undefined;
  let brokerState: 'new' | 'started' | 'closed' = 'new';
  let gatewayState: 'new' | 'started' | 'closed' = 'new';

  const gatewayServes = (): boolean => gatewayState === 'started' && requestHandler !== undefined;

  async function handleOnGateway(
    envelope: RequestEnvelope,
    waiter: ReplyWaiter,
    sequenced: () => void,
  ): Promise<void> {
    // A request queued behind a slow one when the gateway closed is not handled: over Kafka it
    // would go to another gateway, here there is none.
    const handler = requestHandler;
    if (!gatewayServes() || handler === undefined) {
      waiter.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      return;
    }
    let reply: ReplyEnvelope;
    try {
      reply = wireCopy(await handler(envelope, { sequenced }));
    } catch (_error) {
      // The gateway's dispatcher turns every failure into an error reply; reaching this means
      // the handler itself is broken, and the broker must still answer the client.
      waiter.reject(new DhError('DH_ERR_INTERNAL'));
      return;
    }
    waiter.resolve(reply);
  }

  const broker: BrokerBus = {
    request(request) {
      if (brokerState !== 'started' || !gatewayServes()) {
        return Promise.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
      }
      return waitForReply(request, maxWaitMs, pending, (envelope, waiter) => {
        void queue.run(
          envelope.clientId,
          (sequenced) => handleOnGateway(envelope, waiter, sequenced),
          { overlaps: isPipelined(envelope.request.action) },
        );
      });
    },
    onEvent(handler) {
      eventHandlers.push(handler);
    },
    async start() {
      if (brokerState === 'new') brokerState = 'started';
    },
    async close() {
      brokerState = 'closed';
      for (const waiter of [...pending]) waiter.reject(new DhError('DH_ERR_BACKEND_UNAVAILABLE'));
    },
  };

  const gateway: GatewayBus = {
    serve(handler) {
      requestHandler = handler;
    },
    async publishEvent(event, publish) {
      if (gatewayState !== 'started') throw new DhError('DH_ERR_BACKEND_UNAVAILABLE');
      // No broker listening: nobody could be subscribed, so the event has no audience. A pushed
      // event is in the fabric already (docs/adr/0021).
      if (brokerState !== 'started' || publish?.pushed === true) return;
      for (const handler of eventHandlers) {
        const copy = wireCopy(event);
        try {
          await handler(copy);
        } catch (error) {
          options.onEventHandlerError?.(error, copy);
        }
      }
    },
    async start() {
      if (gatewayState === 'new') gatewayState = 'started';
    },
    async close() {
      if (gatewayState === 'closed') return;
      gatewayState = 'closed';
      // Graceful: requests already being handled finish and their replies are delivered.
      await queue.drain();
    },
  };

  return { broker, gateway };
}
