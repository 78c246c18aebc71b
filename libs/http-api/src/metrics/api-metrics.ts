import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Long polls last up to 60 s: the buckets reach past that. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 65];

/**
 * The REST and WebSocket API's metrics (docs/operations.md, "Metrics"). `route` is the route's
 * path template (`/api/rest/device/{deviceId}`) or `unknown`, never a concrete path, so its values
 * are bounded.
 */
export class ApiMetrics {
  private readonly requests?: Counter<'route' | 'status'>;
  private readonly duration?: Histogram<'route'>;
  private readonly connections?: Gauge;
  private readonly readPauses?: Counter;
  private readonly readPausedSeconds?: Counter;
  private readonly readsPaused?: Gauge;

  constructor(registry?: Registry) {
    if (!registry) return;
    const registers = [registry];
    this.requests = new Counter({
      name: 'dh_http_requests_total',
      help: 'REST calls answered, by route template and HTTP status',
      labelNames: ['route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'dh_http_request_duration_seconds',
      help: 'From a REST call received to its response written (long polls included), by route',
      labelNames: ['route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.connections = new Gauge({
      name: 'dh_api_ws_connections',
      help: 'Open connections of the WebSocket API (/api/websocket)',
      registers,
    });
    this.readPauses = new Counter({
      name: 'dh_api_ws_read_pauses_total',
      help: 'Times reading a WebSocket API connection stopped because half of DH_MAX_PENDING_REQUESTS of its requests were unanswered (ADR 0020)',
      registers,
    });
    this.readPausedSeconds = new Counter({
      name: 'dh_api_ws_read_paused_seconds_total',
      help: 'Seconds WebSocket API connections spent with their reading stopped, summed over connections',
      registers,
    });
    this.readsPaused = new Gauge({
      name: 'dh_api_ws_connections_read_paused',
      help: 'WebSocket API connections whose reading is stopped now (ADR 0020)',
      registers,
    });
  }

  /** A WebSocket API connection's reads are held (ADR 0020). */
  wsReadsHeld(): void {
    this.readPauses?.inc();
    this.readsPaused?.inc();
  }

  /** A WebSocket API connection's reads are released after `heldSeconds`. */
  wsReadsReleased(heldSeconds: number): void {
    this.readsPaused?.dec();
    this.readPausedSeconds?.inc(heldSeconds);
  }

  /** Counts one answered call; `startedAt` is `performance.now()` at its start. */
  answered(route: string, status: number, seconds: number): void {
    this.requests?.inc({ route, status: String(status) });
    this.duration?.observe({ route }, seconds);
  }

  wsOpened(): void {
    this.connections?.inc();
  }

  wsClosed(): void {
    this.connections?.dec();
  }
}
