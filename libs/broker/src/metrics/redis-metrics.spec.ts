import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { RedisMetrics } from './redis-metrics';

describe(RedisMetrics.name, () => {
  it('counts errors and reconnects per connection role and reports readiness', async () => {
    const registry = new Registry();
    let ready = true;
    const metrics = new RedisMetrics(registry, () => ready);
    const sub = new EventEmitter();
    sub.on('error', () => undefined);
    metrics.observe(sub, 'mq-sub');
    sub.emit('error', new Error('ECONNREFUSED'));
    sub.emit('reconnecting', 200);
    sub.emit('error', new Error('ECONNREFUSED'));
    ready = false;
    const text = await registry.metrics();
    expect(text).toContain('dh_redis_errors_total{role="mq-sub"} 2');
    expect(text).toContain('dh_redis_reconnects_total{role="mq-sub"} 1');
    expect(text).toContain('dh_redis_up 0');
  });
});
