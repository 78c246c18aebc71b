import { jsonDepthWithin } from './field-decorators';

/** `{"a":{"a":…1…}}` with `depth` objects. */
const objects = (depth: number): unknown =>
  JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
/** `[[…[1]…]]` with `depth` arrays. */
const arrays = (depth: number): unknown => JSON.parse('['.repeat(depth) + '1' + ']'.repeat(depth));

describe('jsonDepthWithin', () => {
  it('counts the root as level 1 and takes primitives at any level', () => {
    expect(jsonDepthWithin(7, 0)).toBe(true);
    expect(jsonDepthWithin(null, 0)).toBe(true);
    expect(jsonDepthWithin('text', 0)).toBe(true);
    expect(jsonDepthWithin({}, 0)).toBe(false);
    expect(jsonDepthWithin({}, 1)).toBe(true);
    expect(jsonDepthWithin({ a: 1, b: 'x', c: null }, 1)).toBe(true);
  });

  it.each([
    ['objects', objects],
    ['arrays', arrays],
  ])('accepts %s exactly at the limit and refuses one level more', (_kind, nest) => {
    expect(jsonDepthWithin(nest(64), 64)).toBe(true);
    expect(jsonDepthWithin(nest(65), 64)).toBe(false);
  });

  it('looks at every member, not only the first', () => {
    const deepLast = { a: 1, b: [1, 2, { c: 3 }], z: objects(10) };
    expect(jsonDepthWithin(deepLast, 11)).toBe(true);
    expect(jsonDepthWithin(deepLast, 10)).toBe(false);
    expect(jsonDepthWithin([1, 2, 3, [4, [5, [6]]]], 4)).toBe(true);
    expect(jsonDepthWithin([1, 2, 3, [4, [5, [6]]]], 3)).toBe(false);
  });

  it('walks own members only, including a "__proto__" key that JSON.parse makes an own one', () => {
    const parsed = JSON.parse('{"__proto__":{"x":{"y":1}}}') as unknown;
    expect(jsonDepthWithin(parsed, 3)).toBe(true);
    expect(jsonDepthWithin(parsed, 2)).toBe(false);
    const inherited = Object.create({ deep: objects(10) }) as object;
    expect(jsonDepthWithin(inherited, 1)).toBe(true);
  });

  it('answers for far deeper input than the limit without overflowing the stack', () => {
    expect(jsonDepthWithin(objects(100_000), 64)).toBe(false);
    expect(jsonDepthWithin(arrays(100_000), 64)).toBe(false);
  });
});
