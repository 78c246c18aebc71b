import { silentLogger } from '@dh-mqtt/runtime';
import { drainRequests } from './request-drain';

const limits = { requestTimeoutMs: 5_000, shutdownTimeoutMs: 10_000 };

describe(drainRequests.name, () => {
  it('returns at once when no request is pending', async () => {
    const started = Date.now();
    await drainRequests(() => 0, limits, silentLogger());
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('waits until the last pending request is answered, then lets its reply settle', async () => {
    let pending = 3;
    const answers = setInterval(() => (pending = Math.max(0, pending - 1)), 100);
    const started = Date.now();
    await drainRequests(() => pending, limits, silentLogger());
    clearInterval(answers);
    expect(pending).toBe(0);
    // three answers 100 ms apart, then the 250 ms settle
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up after the request timeout when a reply never comes', async () => {
    const started = Date.now();
    await drainRequests(
      () => 1,
      { requestTimeoutMs: 100, shutdownTimeoutMs: 10_000 },
      silentLogger(),
    );
    // 100 ms + 500 ms grace, then the settle
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('never waits past the shutdown budget less 2 s', async () => {
    const started = Date.now();
    await drainRequests(
      () => 1,
      { requestTimeoutMs: 60_000, shutdownTimeoutMs: 2_300 },
      silentLogger(),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
