import { SubscriptionIdGenerator } from './subscription-id';

describe(SubscriptionIdGenerator.name, () => {
  it('makes milliseconds × 1000 plus its lane, a 16-digit number', () => {
    const ids = new SubscriptionIdGenerator(() => 1_518_103_722_145, 1);
    expect(ids.next()).toBe(1_518_103_722_145_001);
    expect(String(ids.next())).toMatch(/^\d{16}$/);
  });

  it('stays strictly increasing within one millisecond, past 1000 ids', () => {
    const ids = new SubscriptionIdGenerator(() => 1_518_103_722_145, 500);
    const made = Array.from({ length: 1500 }, () => ids.next());
    expect(new Set(made).size).toBe(1500);
    expect(made).toEqual([...made].sort((a, b) => a - b));
  });

  it('stays increasing when the clock goes back', () => {
    let now = 2_000_000_000_000;
    const ids = new SubscriptionIdGenerator(() => now, 0);
    const first = ids.next();
    now -= 5_000;
    expect(ids.next()).toBeGreaterThan(first);
  });

  it('gives two generators in the same millisecond different ids when their lanes differ', () => {
    const clock = () => 1_700_000_000_000;
    expect(new SubscriptionIdGenerator(clock, 3).next()).not.toBe(
      new SubscriptionIdGenerator(clock, 4).next(),
    );
  });

  it.each([-1, 1000, 1.5])('rejects the lane %p', (lane) => {
    expect(() => new SubscriptionIdGenerator(Date.now, lane)).toThrow(RangeError);
  });
});
