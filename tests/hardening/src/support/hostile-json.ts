import fc from 'fast-check';

/**
 * A JSON document as a tree we serialize ourselves, so that it can hold what a JS object literal
 * cannot: an own `"__proto__"` key, duplicate keys, numbers JavaScript would round (`2^63`),
 * and `-0`.
 */
export type JsonTree =
  | { readonly kind: 'raw'; readonly json: string }
  | { readonly kind: 'array'; readonly items: readonly JsonTree[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonTree])[] };

export const raw = (json: string): JsonTree => ({ kind: 'raw', json });
export const object = (entries: readonly (readonly [string, JsonTree])[]): JsonTree => ({
  kind: 'object',
  entries,
});

/** The JSON text of a tree: keys in the given order, duplicates kept. */
export function serialize(tree: JsonTree): string {
  switch (tree.kind) {
    case 'raw':
      return tree.json;
    case 'array':
      return `[${tree.items.map(serialize).join(',')}]`;
    case 'object':
      return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${serialize(value)}`).join(',')}}`;
  }
}

/** Keys that reach `Object.prototype` when a server copies wire objects carelessly. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Every field name of every request DTO (libs/protocol/src/dto), plus the envelope's. */
export const FIELD_NAMES = [
  'action', 'requestId', 'actions', 'allDeviceTypesAvailable', 'code', 'command', 'commandId',
  'data', 'description', 'device', 'deviceId', 'deviceType', 'deviceTypeId', 'deviceTypeIds',
  'end', 'expiration', 'id', 'introReviewed', 'isBlocked', 'lifetime', 'limit', 'login',
  'loginPattern', 'max', 'min', 'name', 'namePattern', 'names', 'network', 'networkId',
  'networkIds', 'networkName', 'notification', 'notificationId', 'parameters', 'password',
  'payload', 'refreshExpiration', 'refreshToken', 'required', 'result', 'returnUpdatedCommands',
  'role', 'skip', 'sortField', 'sortOrder', 'start', 'status', 'subscriptionId', 'take',
  'timestamp', 'token', 'type', 'user', 'userId', 'value',
] as const; // prettier-ignore

/** Numbers at the edges of JSON, IEEE 754 and Java's long (the reference parses ids as int64). */
const EDGE_NUMBERS = [
  '0', '-0', '1', '-1', '1.5', '1e308', '-1e308', '1e309', '5e-324', '1e-400',
  '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808',
  '-9223372036854775809', '123456789012345678901234567890', '0.0000001', '2147483648',
] as const; // prettier-ignore

/** Strings that broke parsers before: lone surrogates, NUL, bidi overrides, ZWJ emoji, numbers. */
const EDGE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udc00', 'x\ud83d', '\ud83d\ude00', '👨‍👩‍👧‍👦',
  '\u202eevil\u202c', '\u200f\u05e9\u05dc\u05d5\u05dd', '\ufeff', '\uffff', 'e\u0301',
  '5', '-0', '1e308', '0x10', ' 7 ', '9223372036854775808', 'NaN', 'Infinity', 'null', 'true',
  '[]', '{}', '__proto__', 'constructor', 'prototype', 'toString', '../../etc/passwd',
  "' OR '1'='1", '%s%n', '${7*7}', '+', '#', '/', '@', 'dh/request', 'a/+/#',
] as const; // prettier-ignore

const edgeNumber = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** Text of any length class; long ones built by repetition so generation stays cheap. */
export const edgeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('x', 'é', '😀', '\ud800', '/', 'a/'),
        fc.constantFrom(127, 4096, 70_000),
      )
      .map(([unit, times]) => unit.repeat(times)),
  },
);

/** Values no schema expects: deep nesting and huge arrays, written directly as text. */
const monster = fc.oneof(
  fc
    .constantFrom(64, 1_000, 10_000, 100_000)
    .map((depth) => raw('['.repeat(depth) + ']'.repeat(depth))),
  fc
    .constantFrom(64, 5_000, 40_000)
    .map((depth) => raw('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
  fc.constantFrom(1_000, 50_000, 140_000).map((length) => raw(`[${'1,'.repeat(length - 1)}1]`)),
);

/** Any key: mostly real field names, often a pollution key, sometimes anything. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: edgeText },
);

const scalar = fc.oneof(
  { weight: 3, arbitrary: edgeNumber.map(raw) },
  { weight: 3, arbitrary: edgeText.map((text) => raw(JSON.stringify(text))) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null').map(raw) },
);

/** Any JSON value, pollution keys possible at every level of every object. */
export const hostileValue: fc.Arbitrary<JsonTree> = fc.letrec<{ value: JsonTree }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: monster },
    {
      weight: 2,
      arbitrary: fc
        .array(tie('value'), { maxLength: 4 })
        .map((items): JsonTree => ({ kind: 'array', items })),
    },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map(object),
    },
  ),
})).value;

/** Objects that would pollute `Object.prototype` if merged naively (`Object.assign`, spread deep). */
export const pollutionPayload: fc.Arbitrary<JsonTree> = fc
  .constantFrom(...POLLUTION_KEYS)
  .map((key) =>
    object([
      [
        key,
        object([
          ['polluted', raw('"yes"')],
          ['isAdmin', raw('true')],
        ]),
      ],
      ['prototype', object([['polluted', raw('"yes"')]])],
    ]),
  );
