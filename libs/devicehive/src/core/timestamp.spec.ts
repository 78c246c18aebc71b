import { isDhError } from '@dh-mqtt/protocol';
import { formatTimestamp, parseOptionalTimestamp, parseTimestamp } from './timestamp';

describe(parseTimestamp.name, () => {
  it.each<[string, unknown, string]>([
    ['ISO with Z', '2018-02-08T15:49:29.123Z', '2018-02-08T15:49:29.123Z'],
    ['ISO without zone (UTC)', '2018-02-08T15:49:29.123', '2018-02-08T15:49:29.123Z'],
    ['ISO without millis', '2018-02-08T15:49:29', '2018-02-08T15:49:29.000Z'],
    ['ISO without seconds', '2018-02-08T15:49', '2018-02-08T15:49:00.000Z'],
    ['a space instead of T', '2018-02-08 15:49:29.123', '2018-02-08T15:49:29.123Z'],
    ['a positive offset', '2018-02-08T17:49:29.123+02:00', '2018-02-08T15:49:29.123Z'],
    ['a compact negative offset', '2018-02-08T10:49:29.123-0500', '2018-02-08T15:49:29.123Z'],
    ['microseconds (cut to millis)', '2018-02-08T15:49:29.123456', '2018-02-08T15:49:29.123Z'],
    ['date only', '2018-02-08', '2018-02-08T00:00:00.000Z'],
    ['RFC-1123', 'Thu, 08 Feb 2018 15:49:29 GMT', '2018-02-08T15:49:29.000Z'],
    ['epoch millis number', 1518104969123, '2018-02-08T15:49:29.123Z'],
    ['epoch millis string', '1518104969123', '2018-02-08T15:49:29.123Z'],
    ['a Date', new Date('2018-02-08T15:49:29.123Z'), '2018-02-08T15:49:29.123Z'],
    ['a two-digit year', '0050-01-01T00:00:00', '0050-01-01T00:00:00.000Z'],
  ])('reads %s', (_, input, iso) => {
    expect(parseTimestamp(input).toISOString()).toBe(iso);
  });

  it.each<[string, unknown]>([
    ['words', 'yesterday'],
    ['a day that does not exist', '2018-02-30'],
    ['hour 25', '2018-02-08T25:00:00'],
    ['an object', { t: 1 }],
    ['a boolean', true],
    ['an invalid Date', new Date(NaN)],
    ['a year beyond 9999', 1e15],
  ])('rejects %s with 400 Unparseable timestamp', (_, input) => {
    let caught: unknown;
    try {
      parseTimestamp(input);
    } catch (error) {
      caught = error;
    }
    expect(isDhError(caught) && [caught.status, caught.message]).toEqual([
      400,
      'Unparseable timestamp',
    ]);
  });
});

describe(parseOptionalTimestamp.name, () => {
  it.each([null, undefined])('gives null for %p', (input) => {
    expect(parseOptionalTimestamp(input)).toBeNull();
  });
});

describe(formatTimestamp.name, () => {
  it('writes UTC with millis and no zone suffix', () => {
    expect(formatTimestamp(new Date('2018-02-08T15:49:29.1Z'))).toBe('2018-02-08T15:49:29.100');
  });
});
