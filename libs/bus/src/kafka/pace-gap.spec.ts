import { PaceGap } from './pace-gap';

describe(PaceGap.name, () => {
  let clock = 1_000;
  beforeEach(() => {
    clock = 1_000;
    jest.spyOn(PaceGap, 'now').mockImplementation(() => clock);
  });
  afterEach(() => jest.restoreAllMocks());

  /** A fetch or batch that starts now, takes `ms` and carries `records`. */
  function run(gap: PaceGap, records: number, ms = 0): void {
    const startedAt = clock;
    clock += ms;
    gap.note(startedAt, records);
  }

  it('holds nothing after one record, or none', () => {
    const gap = new PaceGap(50);
    run(gap, 1);
    expect(gap.holdMs()).toBeLessThanOrEqual(0);
    run(gap, 0, 30);
    expect(gap.holdMs()).toBeLessThanOrEqual(0);
  });

  it('holds the whole interval after the first batch of two records, which shows no rate yet', () => {
    const gap = new PaceGap(50);
    run(gap, 2);
    expect(gap.holdMs()).toBe(50);
  });

  it('holds until about eight records should have come at the rate shown, within the interval', () => {
    const gap = new PaceGap(50);
    run(gap, 1);
    clock += 1;
    run(gap, 4); // 4 records in the 1 ms since the last: 4 per ms, 8 in 2 ms
    expect(gap.holdMs()).toBeCloseTo(2);
  });

  it('holds no longer than the interval at a slow rate', () => {
    const gap = new PaceGap(50);
    run(gap, 1);
    clock += 40;
    run(gap, 2); // 2 records in 40 ms: 8 would take 160 ms
    expect(gap.holdMs()).toBe(50);
  });

  it('counts the hold from the start of the last one: a long one leaves nothing to wait', () => {
    const gap = new PaceGap(5);
    run(gap, 1);
    clock += 10;
    run(gap, 3, 20); // waited 20 ms at Kafka, longer than the 5 ms interval
    expect(gap.holdMs()).toBeLessThanOrEqual(0);
  });

  it('never holds with an interval of 0', () => {
    const gap = new PaceGap(0);
    run(gap, 100);
    expect(gap.holdMs()).toBeLessThanOrEqual(0);
  });
});
