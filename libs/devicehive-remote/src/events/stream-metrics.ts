import type { DeviceEventKind } from '@dh-mqtt/protocol';
import { Counter, Gauge, type Registry } from 'prom-client';

export type EventSource = 'live' | 'catch_up';
export type DropReason = 'duplicate' | 'malformed' | 'unknown_device';

const byRegistry = new WeakMap<Registry, StreamMetrics>();

/**
 * The remote event stream's metrics (docs/operations.md, "Metrics"). One set per registry: a pod
 * that takes the stream over again (the lease, docs/adr/0015) builds a new stream on the same
 * registry.
 */
export class StreamMetrics {
  static of(registry?: Registry): StreamMetrics {
    if (!registry) return new StreamMetrics();
    let metrics = byRegistry.get(registry);
    if (!metrics) {
      metrics = new StreamMetrics(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private readonly events?: Counter<'kind' | 'source'>;
  private readonly dropped?: Counter<'reason'>;
  private readonly connected?: Gauge;
  private readonly reconnects?: Counter;
  private readonly caughtUp?: Counter<'kind'>;
  private readonly gaps?: Counter;
  private readonly failures?: Counter;

  private constructor(registry?: Registry) {
    if (!registry) return;
    const registers = [registry];
    this.events = new Counter({
      name: 'dh_remote_events_total',
      help: 'Device events read from the remote DeviceHive server and handed on, by kind and source (live push or catch-up)',
      labelNames: ['kind', 'source'],
      registers,
    });
    this.dropped = new Counter({
      name: 'dh_remote_events_dropped_total',
      help: 'Remote events not handed on: duplicate (already delivered), malformed, unknown_device (deleted before it was looked up)',
      labelNames: ['reason'],
      registers,
    });
    this.connected = new Gauge({
      name: 'dh_remote_stream_connected',
      help: '1 while the remote event stream is connected and subscribed, else 0',
      registers,
    });
    this.reconnects = new Counter({
      name: 'dh_remote_stream_reconnects_total',
      help: 'Connection attempts of the remote event stream after the first (a drop or a failed attempt)',
      registers,
    });
    this.caughtUp = new Counter({
      name: 'dh_remote_events_caught_up_total',
      help: 'Remote events recovered by a catch-up after a reconnect (also counted in dh_remote_events_total)',
      labelNames: ['kind'],
      registers,
    });
    this.gaps = new Counter({
      name: 'dh_remote_stream_gaps_total',
      help: 'Catch-ups that may have missed events (the server replay limit was reached)',
      registers,
    });
    this.failures = new Counter({
      name: 'dh_remote_event_delivery_failures_total',
      help: 'Handing a remote event on failed (it is retried, not skipped)',
      registers,
    });
  }

  event(kind: DeviceEventKind, source: EventSource): void {
    this.events?.inc({ kind, source });
    if (source === 'catch_up') this.caughtUp?.inc({ kind });
  }

  drop(reason: DropReason): void {
    this.dropped?.inc({ reason });
  }

  setConnected(connected: boolean): void {
    this.connected?.set(connected ? 1 : 0);
  }

  reconnect(): void {
    this.reconnects?.inc();
  }

  gap(): void {
    this.gaps?.inc();
  }

  deliveryFailed(): void {
    this.failures?.inc();
  }
}
