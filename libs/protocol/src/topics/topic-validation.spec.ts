import { validateFilter, validatePublishTopic } from './topic-validation';

describe(validateFilter.name, () => {
  it.each([
    ['#'],
    ['+'],
    ['a/#'],
    ['+/+/#'],
    ['/'],
    ['a//b'],
    ['$SYS/#'],
    ['dh/response/token@a b'],
    ['+/'],
    ['é/😀'],
  ])('accepts %j', (filter) => {
    expect(validateFilter(filter)).toEqual({ valid: true });
  });

  it.each([
    ['', /empty/],
    ['a/#/b', /'#'/],
    ['#/a', /'#'/],
    ['a#', /'#'/],
    ['a/b#', /'#'/],
    ['##', /'#'/],
    ['a+', /'\+'/],
    ['+a/b', /'\+'/],
    ['a/++', /'\+'/],
    ['a/\u0000', /NUL/],
    ['a/\ud83d', /surrogate/],
    ['\ude00/a', /surrogate/],
    ['a/'.repeat(128) + '#', /levels/],
  ])('rejects %j', (filter, reason) => {
    const check = validateFilter(filter);
    expect(check.valid).toBe(false);
    expect(!check.valid && check.reason).toMatch(reason);
  });

  it('applies configured limits', () => {
    expect(validateFilter('a/b/c', { maxBytes: 100, maxLevels: 2 }).valid).toBe(false);
    expect(validateFilter('abc', { maxBytes: 2, maxLevels: 2 }).valid).toBe(false);
    expect(validateFilter('a/b', { maxBytes: 3, maxLevels: 2 }).valid).toBe(true);
  });
});

describe(validatePublishTopic.name, () => {
  it.each([['a'], ['/'], ['a//b'], ['$SYS/x'], ['dh/response/token@a@b/c d'], ['\u{1f600}']])(
    'accepts %j',
    (topic) => {
      expect(validatePublishTopic(topic)).toEqual({ valid: true });
    },
  );

  it.each([
    ['', /empty/],
    ['a/+', /wildcard/],
    ['#', /wildcard/],
    ['a+b', /wildcard/],
    ['dh/response/x@c#1', /wildcard/],
    ['a\u0000', /NUL/],
    ['\ud800', /surrogate/],
    ['a'.repeat(65_536), /bytes/],
  ])('rejects %j', (topic, reason) => {
    const check = validatePublishTopic(topic);
    expect(check.valid).toBe(false);
    expect(!check.valid && check.reason).toMatch(reason);
  });
});
