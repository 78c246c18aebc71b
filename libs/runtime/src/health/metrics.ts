import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry of its own (never prom-client's global one, so several processes built in
 * one test do not collide), with the Node default metrics under their conventional names
 * (`process_*`, `nodejs_*`: what stock Node dashboards query) and `labels` on every series.
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}
