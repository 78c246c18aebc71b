import { setTimeout as sleep } from 'node:timers/promises';
import { MachineMeter } from '../systems/proc-stat';
import { describeMachine, windowQuantile } from './thread-pauses';

/** A Prometheus exposition of one histogram `h` with two label sets, from cumulative counts. */
function exposition(a: number[], b: number[]): string {
  const bounds = ['0.001', '0.01', '0.1', '+Inf'];
  const lines = (label: string, counts: number[]) =>
    bounds.map((le, i) => `h_bucket{action="${label}",le="${le}"} ${counts[i]}`);
  return [...lines('x', a), ...lines('y', b), 'h_count 0'].join('\n');
}

describe(windowQuantile.name, () => {
  it('reads the quantile of the observations gained between two scrapes, over every label set', () => {
    const before = exposition([5, 5, 5, 5], [0, 0, 0, 0]);
    // Gained: 100 observations, 90 of them at most 1 ms, 9 in (1, 10] ms, 1 in (10, 100] ms.
    const after = exposition([50, 54, 55, 55], [45, 50, 50, 50]);

    expect(windowQuantile(before, after, 'h', 0.5)).toBeCloseTo(0.001 * (50 / 90));
    // Rank 99 is the 9th of the 9 in (1, 10] ms: its upper bound.
    expect(windowQuantile(before, after, 'h', 0.99)).toBeCloseTo(0.01);
    expect(windowQuantile(before, after, 'h', 1)).toBeCloseTo(0.1);
  });

  it('gives the highest finite bound for observations beyond it, and nothing without any', () => {
    const before = exposition([0, 0, 0, 0], [0, 0, 0, 0]);
    const after = exposition([0, 0, 0, 3], [0, 0, 0, 0]);

    expect(windowQuantile(before, after, 'h', 0.99)).toBe(0.1);
    expect(windowQuantile(before, before, 'h', 0.99)).toBeUndefined();
    expect(windowQuantile(before, after, 'other', 0.5)).toBeUndefined();
  });
});

describe(describeMachine.name, () => {
  it('names the wait for a CPU, the idle share and the steal, and a dash for what is unknown', () => {
    expect(describeMachine({ cpuWaitPct: 46.9, idlePct: 12.3, stealPct: 0 })).toBe(
      'CPU wait 46.9 %, idle 12.3 %, steal 0 %',
    );
    expect(
      describeMachine({ cpuWaitPct: undefined, idlePct: undefined, stealPct: undefined }),
    ).toBe('CPU wait –, idle –, steal –');
  });
});

describe(MachineMeter.name, () => {
  // The bench meters through /proc: it runs on Linux.
  it('reads the share of the window no task used, from /proc/stat', async () => {
    const meter = new MachineMeter();
    meter.begin();
    await sleep(300);
    const { idlePct } = meter.end();
    expect(idlePct).toBeGreaterThanOrEqual(0);
    expect(idlePct).toBeLessThanOrEqual(100);
  });
});
