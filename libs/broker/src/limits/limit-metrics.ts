import { Counter, type Registry } from 'prom-client';

/** Every limit of docs/reliability.md the broker enforces. */
export const LIMIT_NAMES = [
  'packet_size',
  'client_id_length',
  'topic_levels',
  'subscriptions',
  'pending_requests',
  'request_rate',
  'connect_rate',
  'inflight_queue',
  'offline_queue',
  'session_expiry',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** Counts limit hits; `dh_broker_limit_hits_total{limit}` when a registry is given. */
export interface LimitMetrics {
  hit(limit: LimitName, count?: number): void;
}

/**
 * The counter of limit hits on `registry` (the app's `/metrics` registry), every label
 * pre-created at 0 so a dashboard sees the series before the first hit. No registry → a no-op.
 */
export function createLimitMetrics(registry?: Registry): LimitMetrics {
  if (!registry) return { hit: () => undefined };
  const counter = new Counter({
    name: 'dh_broker_limit_hits_total',
    help: 'Times a broker limit refused, dropped or closed something (docs/reliability.md)',
    labelNames: ['limit'],
    registers: [registry],
  });
  for (const limit of LIMIT_NAMES) counter.inc({ limit }, 0);
  return { hit: (limit, count = 1) => counter.inc({ limit }, count) };
}
