import { Counter, Histogram, type Registry } from 'prom-client';

/** Where the remote backend counts its calls (docs/operations.md, "Remote DeviceHive"). */
export interface RemoteMetrics {
  /** One call of `action`: `outcome` is the HTTP status, or `timeout` / `unavailable`. */
  observe(action: string, outcome: string, durationMs: number): void;
}

/**
 * `dh_remote_requests_total{action,status}` and `dh_remote_request_duration_seconds{action}` on
 * the app's registry; without a registry, nothing is counted.
 */
export function createRemoteMetrics(registry?: Registry): RemoteMetrics {
  if (!registry) return { observe: () => undefined };
  const requests = new Counter({
    name: 'dh_remote_requests_total',
    help: 'Calls to the remote DeviceHive server by action and outcome (HTTP status, timeout or unavailable).',
    labelNames: ['action', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'dh_remote_request_duration_seconds',
    help: 'Duration of calls to the remote DeviceHive server, by action.',
    labelNames: ['action'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe(action, outcome, durationMs) {
      requests.inc({ action, status: outcome });
      duration.observe({ action }, durationMs / 1000);
    },
  };
}
