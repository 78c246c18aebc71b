import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { PRODUCT_VERSION } from '../version';

/**
 * A Prometheus registry of its own (never prom-client's global one, so several processes built in
 * one test do not collide), with the Node default metrics under their conventional names
 * (`process_*`, `nodejs_*`: what stock Node dashboards query), `dh_build_info{version}`, and
 * `labels` on every series.
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'dh_build_info',
    help: 'Always 1; the version of dh-mqtt this process runs',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: PRODUCT_VERSION }, 1);
  return registry;
}
