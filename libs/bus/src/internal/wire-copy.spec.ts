import { wireCopy } from './wire-copy';

class Reading {
  constructor(readonly value: number) {}
}

describe(wireCopy.name, () => {
  it.each([
    ['a plain envelope', { v: 1, id: 'x', principal: { ids: [1, 2], all: '*' }, ok: true }],
    ['a string', 'text'],
    ['null', null],
    ['an undefined member', { kept: 1, gone: undefined }],
    ['undefined in an array', [1, undefined, 3]],
    ['a Date', { at: new Date(0) }],
    ['non-finite numbers', { a: NaN, b: Infinity, c: [-Infinity] }],
    ['negative zero', { z: -0, list: [-0] }],
    ['a function member', { f: () => 1, kept: 'yes' }],
    ['an object with toJSON', { custom: { toJSON: () => 'replaced' } }],
    ['a class instance', { reading: new Reading(3) }],
    ['a Map', { map: new Map([['k', 1]]) }],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
    ['an own __proto__ key', JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object],
    ['nesting deeper than the fast path goes', nested(100)],
  ])('copies %s exactly as a JSON round trip would', (_name, value) => {
    const copy = wireCopy(value);

    expect(copy).toStrictEqual(JSON.parse(JSON.stringify(value)));
  });

  it('shares no object with the original at any depth', () => {
    const original = { outer: { inner: { list: [{ leaf: 1 }] } } };

    const copy = wireCopy(original);

    expect(copy.outer).not.toBe(original.outer);
    expect(copy.outer.inner).not.toBe(original.outer.inner);
    expect(copy.outer.inner.list).not.toBe(original.outer.inner.list);
    expect(copy.outer.inner.list[0]).not.toBe(original.outer.inner.list[0]);
  });

  it('never lets an own __proto__ key change the copy’s prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;

    const copy = wireCopy(hostile);

    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('fails on a cycle like JSON does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;

    expect(() => wireCopy(cyclic)).toThrow(TypeError);
  });
});

function nested(depth: number): object {
  let value: object = { leaf: true };
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}
