import { backoffDelay, pause, retry } from './retry';

describe(backoffDelay.name, () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [6, 5_000],
    [1_000, 5_000],
  ])('waits, before attempt %i, %i ms', (attempt, expected) => {
    expect(backoffDelay({ initialMs: 200, maxMs: 5_000 }, attempt)).toBe(expected);
  });
});

describe(pause.name, () => {
  it('ends early when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pause(10_000, controller.signal);
    controller.abort();
    await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe(retry.name, () => {
  const backoff = { initialMs: 1, maxMs: 4 };

  it('tries until an attempt succeeds, reporting each failure with its pause', async () => {
    const failures: Array<[string, number, number]> = [];
    const result = await retry({
      attempt: async (n) => {
        if (n < 4) throw new Error(`no ${n}`);
        return `yes ${n}`;
      },
      backoff,
      signal: new AbortController().signal,
      onFailure: (err, attempt, retryInMs) =>
        void failures.push([(err as Error).message, attempt, retryInMs]),
    });
    expect(result).toBe('yes 4');
    expect(failures).toEqual([
      ['no 1', 1, 1],
      ['no 2', 2, 2],
      ['no 3', 3, 4],
    ]);
  });

  it('rethrows a fatal error at once', async () => {
    const onFailure = jest.fn();
    const fatal = new Error('waiting will not help');
    await expect(
      retry({
        attempt: () => Promise.reject(fatal),
        backoff,
        signal: new AbortController().signal,
        onFailure,
        isFatal: (err) => err === fatal,
      }),
    ).rejects.toBe(fatal);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('stops with the abort reason when aborted during a pause', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let attempts = 0;
    const running = retry({
      attempt: async () => {
        attempts++;
        throw new Error('down');
      },
      backoff: { initialMs: 10_000, maxMs: 10_000 },
      signal: controller.signal,
      onFailure: () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(attempts).toBe(1);
  });

  it('never starts when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('closed'));
    const attempt = jest.fn();
    await expect(
      retry({ attempt, backoff, signal: controller.signal, onFailure: () => undefined }),
    ).rejects.toThrow('closed');
    expect(attempt).not.toHaveBeenCalled();
  });
});
