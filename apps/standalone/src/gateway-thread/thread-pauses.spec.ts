import { parsePrometheusText, sampleValue } from '@dh-mqtt/runtime';
import { Registry } from 'prom-client';
import { registerThreadPauseMetrics } from './thread-pauses';

const turn = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Holds the thread for `ms` without yielding, as a long synchronous task would. */
function block(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

/** Enough short-lived objects for several young-generation collections. */
function makeGarbage(): number {
  let held: object[] = [];
  let made = 0;
  for (let i = 0; i < 2_000_000; i += 1) {
    held.push({ i });
    made += 1;
    if (held.length === 1_000) held = [];
  }
  return made;
}

describe('registerThreadPauseMetrics', () => {
  let registry: Registry;
  let stop: () => void;

  beforeEach(() => {
    registry = new Registry();
    stop = registerThreadPauseMetrics(registry);
  });

  afterEach(() => stop());

  const scrape = async () => parsePrometheusText(await registry.metrics());

  it('reports a blocked event loop in the window of the next scrape, then starts a new window', async () => {
    await turn();
    block(120);
    await turn();

    const first = await scrape();
    expect(sampleValue(first, 'dh_gateway_thread_eventloop_lag_max_seconds')).toBeGreaterThan(0.1);
    expect(sampleValue(first, 'dh_gateway_thread_eventloop_lag_p99_seconds')).toBeGreaterThan(0.1);

    await turn();
    await turn();
    const second = await scrape();
    expect(sampleValue(second, 'dh_gateway_thread_eventloop_lag_max_seconds')).toBeLessThan(0.1);
  });

  it('exports every GC kind from the start and counts the collections that happen', async () => {
    const before = await scrape();
    for (const kind of ['major', 'minor', 'incremental', 'weakcb']) {
      expect(
        sampleValue(before, 'dh_gateway_thread_gc_duration_seconds_count', { kind }),
      ).toBeGreaterThanOrEqual(0);
    }
    const minorBefore = sampleValue(before, 'dh_gateway_thread_gc_duration_seconds_count', {
      kind: 'minor',
    });

    expect(makeGarbage()).toBe(2_000_000);
    await turn(); // performance entries are delivered asynchronously

    const after = await scrape();
    expect(
      sampleValue(after, 'dh_gateway_thread_gc_duration_seconds_count', { kind: 'minor' }),
    ).toBeGreaterThan(minorBefore);
  });

  it('stops measuring when stopped', async () => {
    stop();
    const minor = async () =>
      sampleValue(await scrape(), 'dh_gateway_thread_gc_duration_seconds_count', {
        kind: 'minor',
      });
    const before = await minor();
    expect(makeGarbage()).toBe(2_000_000);
    await turn();
    expect(await minor()).toBe(before);
  });
});
