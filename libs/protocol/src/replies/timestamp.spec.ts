import { formatTimestamp, parseTimestamp } from './timestamp';

describe(formatTimestamp.name, () => {
  it('emits UTC with millis and no zone (§1.7)', () => {
    expect(formatTimestamp(new Date(Date.UTC(2018, 1, 8, 15, 49, 29, 123)))).toBe(
      '2018-02-08T15:49:29.123',
    );
    expect(formatTimestamp(new Date(Date.UTC(2018, 0, 1)))).toBe('2018-01-01T00:00:00.000');
  });

  it('round-trips through parseTimestamp', () => {
    const text = '2024-12-31T23:59:59.999';
    expect(formatTimestamp(parseTimestamp(text) as Date)).toBe(text);
  });
});

describe(parseTimestamp.name, () => {
  it.each([
    ['2018-02-08T15:49:29.123', '2018-02-08T15:49:29.123Z'],
    ['2018-02-08T15:49:29.123Z', '2018-02-08T15:49:29.123Z'],
    ['2018-02-08T15:49:29', '2018-02-08T15:49:29.000Z'],
    ['2018-02-08T15:49', '2018-02-08T15:49:00.000Z'],
    ['2018-02-08T15:49:29.1234567', '2018-02-08T15:49:29.123Z'],
    ['2018-02-08T15:49:29.5+02:00', '2018-02-08T13:49:29.500Z'],
    ['2018-02-08T15:49:29-0330', '2018-02-08T19:19:29.000Z'],
    ['2018-02-08', '2018-02-08T00:00:00.000Z'],
    ['2018-02-08 15:49:29', '2018-02-08T15:49:29.000Z'],
    ['Thu, 08 Feb 2018 15:49:29 GMT', '2018-02-08T15:49:29.000Z'],
    ['1518104969123', '2018-02-08T15:49:29.123Z'],
    [1518104969123, '2018-02-08T15:49:29.123Z'],
    [0, '1970-01-01T00:00:00.000Z'],
  ])('parses %j as %s', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each([
    ['yesterday'],
    ['2018-02-30'],
    ['2018-13-01'],
    ['2018-02-08T25:00:00'],
    [''],
    [null],
    [{}],
    [[]],
    [true],
    [Number.NaN],
    ['9'.repeat(100)],
  ])('returns null for %j', (input) => {
    expect(parseTimestamp(input)).toBeNull();
  });
});
