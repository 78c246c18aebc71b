import { backoffDelay, redactedUrl } from './redis-connection';

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

describe(redactedUrl.name, () => {
  it.each([
    ['redis://:s3cret@redis:16379/2', 'redis://:***@redis:16379/2'],
    ['rediss://user:s3cret@redis:6380', 'rediss://user:***@redis:6380'],
    ['redis://127.0.0.1:16379', 'redis://127.0.0.1:16379'],
    ['not a url', '(unparseable URL)'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactedUrl(url)).toBe(shown);
  });
});
