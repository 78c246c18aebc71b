import type { Client, PublishPacket } from 'aedes';
import { grantedSubscriptions, wrapDelivery, type Deliver } from '../aedes-internals';
import type { LimitMetrics } from './limit-metrics';

/** One connection's window: QoS > 0 packets written and not yet acknowledged, and those waiting. */
interface Window {
  inflight: number;
  readonly held: PublishPacket[];
  /** Set by `authorizeForward` while a packet of this client is being offered. */
  forwarded: boolean;
  send: Deliver;
}

/**
 * The QoS 1/2 in-flight window per connection (`DH_MAX_INFLIGHT`, docs/reliability.md). MQTT 3.1.1
 * has no receive maximum, and aedes writes every QoS 1 packet at once, numbering them with 16-bit
 * ids that wrap: a client that never acknowledges would get an unbounded stream of ids to reuse.
 * Here at most `maxInflight` unacknowledged packets are written; the next ones wait in order (at
 * most `maxHeld`, beyond that the newest is dropped and counted as `inflight_queue`) and go out as
 * PUBACK/PUBCOMP come back. A persistent session loses nothing by the drop: the packet stays in
 * its stored queue and is resent on reconnect. QoS 0 passes untouched. Offline queues replayed on
 * CONNECT bypass the window (they are bounded by `DH_MAX_OFFLINE_QUEUE`).
 */
export class InflightWindows {
  private readonly windows = new WeakMap<Client, Window>();

  constructor(
    private readonly maxInflight: number,
    private readonly maxHeld: number,
    private readonly metrics: LimitMetrics,
  ) {}

  /** Wraps the connection's QoS delivery; must run before it has subscriptions (on `handle`). */
  install(client: Client): void {
    wrapDelivery(client, 'deliverQoS', (original) => this.windowed(client, original));
  }

  private windowed(client: Client, original: Deliver): Deliver {
    const window: Window = {
      inflight: 0,
      held: [],
      forwarded: false,
      send: (packet, done) => {
        window.inflight++;
        window.forwarded = false;
        original(packet, done);
        // aedes calls authorizeForward synchronously inside deliverQoS; nothing written, no ack.
        if (!window.forwarded) window.inflight--;
      },
    };
    this.windows.set(client, window);
    return (packet, done) => {
      if (packet.qos === 0 || writtenAtQos0(client, packet)) return original(packet, done);
      if (window.inflight < this.maxInflight && window.held.length === 0) {
        return window.send(packet, done);
      }
      if (window.held.length >= this.maxHeld) this.metrics.hit('inflight_queue');
      else window.held.push(packet);
      // The emitter must not wait for this client's acknowledgements.
      done();
    };
  }

  /** Called with every `authorizeForward` verdict. */
  noteForward(client: Client, forwarded: boolean): void {
    const window = this.windows.get(client);
    if (window && forwarded) window.forwarded = true;
  }

  /** A PUBACK/PUBCOMP arrived: one more packet may go out. */
  acked(client: Client): void {
    const window = this.windows.get(client);
    if (!window) return;
    window.inflight = Math.max(0, window.inflight - 1);
    while (window.inflight < this.maxInflight && window.held.length > 0) {
      if (client.closed) {
        window.held.length = 0;
        return;
      }
      window.send(window.held.shift() as PublishPacket, () => undefined);
    }
  }

  /** Unacknowledged and waiting packets of a connection (tests, diagnostics). */
  stateOf(client: Client): { inflight: number; held: number } | undefined {
    const window = this.windows.get(client);
    return window && { inflight: window.inflight, held: window.held.length };
  }
}

/** aedes downgrades to the QoS of a subscription on exactly that topic: no ack will come. */
function writtenAtQos0(client: Client, packet: PublishPacket): boolean {
  const exact = grantedSubscriptions(client)[packet.topic];
  return exact !== undefined && (exact.qos ?? 0) === 0;
}
