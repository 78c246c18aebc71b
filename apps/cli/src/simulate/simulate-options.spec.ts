import { LatencyRecorder } from './latency-recorder';
import { parseDuration, parseRate, parseSimulateOptions, UsageError } from './simulate-options';

describe('dh-mqtt simulate options', () => {
  it.each([
    ['10/s', 10],
    ['10', 10],
    ['600/m', 10],
    ['0.5/s', 0.5],
    ['0/s', 0],
  ])('reads the rate %s as %d per second', (text, perSecond) => {
    expect(parseRate(text, '--rate')).toBe(perSecond);
  });

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['3', 3_000],
  ])('reads the duration %s as %d ms', (text, ms) => {
    expect(parseDuration(text, '--duration')).toBe(ms);
  });

  it.each([
    [['--rate', 'fast'], '--rate must look like 10/s or 600/m, not fast'],
    [['--devices', '0'], '--devices must be an integer ≥ 1, not 0'],
    [['--duration', '1h'], '--duration must look like 500ms, 30s or 2m, not 1h'],
    [['--prefix', 'a b'], '--prefix takes letters, digits and dashes (at most 32)'],
    [['--devices'], '--devices needs a value'],
    [['--password', 'x'], 'unknown option --password'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseSimulateOptions(argv, {})).toThrow(new UsageError(message));
  });

  it('takes the password from DH_SIM_PASSWORD, never from the command line', () => {
    const options = parseSimulateOptions(['--devices', '100', '--rate', '10/s', '--json'], {
      DH_SIM_PASSWORD: 'from-env',
    });
    expect(options).toMatchObject({ devices: 100, rate: 10, password: 'from-env', json: true });
  });
});

describe('latency percentiles', () => {
  it('are nearest-rank over what was recorded', () => {
    const recorder = new LatencyRecorder();
    for (let ms = 1; ms <= 100; ms++) recorder.record(ms);
    expect(recorder.summary()).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('are null before anything was measured', () => {
    expect(new LatencyRecorder().summary()).toEqual({
      count: 0,
      p50: null,
      p90: null,
      p99: null,
      max: null,
    });
  });
});
