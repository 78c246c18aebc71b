import { Counter, Gauge, type Registry } from 'prom-client';

/** The part of an ioredis connection the metrics listen to. */
export interface ObservedConnection {
  on(event: 'error' | 'reconnecting', listener: (...args: unknown[]) => void): unknown;
}

/**
 * Redis metrics of a broker pod: `dh_redis_up` (1 while every connection is ready),
 * `dh_redis_errors_total{role}` and `dh_redis_reconnects_total{role}` from ioredis' `error` and
 * `reconnecting` events. Roles are the pod's fixed connection roles (`persistence`, `mq-sub`,
 * `mq-pub`): bounded labels.
 */
export class RedisMetrics {
  private readonly errors: Counter<string>;
  private readonly reconnects: Counter<string>;

  constructor(registry: Registry, isReady: () => boolean) {
    new Gauge({
      name: 'dh_redis_up',
      help: 'Whether every Redis connection of the pod is ready: 1 yes, 0 no',
      registers: [registry],
      collect() {
        this.set(isReady() ? 1 : 0);
      },
    });
    this.errors = new Counter({
      name: 'dh_redis_errors_total',
      help: 'Errors reported by a Redis connection (refused, reset, timed out), by role',
      labelNames: ['role'],
      registers: [registry],
    });
    this.reconnects = new Counter({
      name: 'dh_redis_reconnects_total',
      help: 'Reconnect attempts of a Redis connection, by role',
      labelNames: ['role'],
      registers: [registry],
    });
  }

  /** Counts the errors and reconnects of one connection. */
  observe(connection: ObservedConnection, role: string): void {
    const errors = this.errors.labels(role);
    const reconnects = this.reconnects.labels(role);
    errors.inc(0);
    reconnects.inc(0);
    connection.on('error', () => errors.inc());
    connection.on('reconnecting', () => reconnects.inc());
  }
}
