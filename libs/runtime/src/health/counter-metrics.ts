import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter whose value is read from somewhere else when scraped (a library's own
 * running totals), so the library needs no metrics dependency. `read` returns the total, or the
 * totals per value of `label`.
 */
export function registerCounterFrom(
  registry: Registry,
  options: { name: string; help: string; label?: string },
  read: () => number | Record<string, number>,
): void {
  const { label } = options;
  new Counter({
    name: options.name,
    help: options.help,
    labelNames: label ? [label] : [],
    registers: [registry],
    collect() {
      this.reset();
      const value = read();
      if (typeof value === 'number') {
        this.inc(value);
        return;
      }
      for (const [key, total] of Object.entries(value)) {
        this.inc({ [label ?? 'key']: key }, total);
      }
    },
  });
}
