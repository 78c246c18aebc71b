import { redactedUrl } from './redis-connection';

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
