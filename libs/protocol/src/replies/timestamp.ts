/**
 * Formats a timestamp the way DeviceHive emits it (docs/api/README.md): UTC,
 * `yyyy-MM-dd'T'HH:mm:ss.SSS`, no zone suffix, e.g. `2018-02-08T15:49:29.123`.
 * Throws a RangeError for an invalid Date (a programming error, never wire input).
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, -1);
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const RFC_1123 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC|Z|[+-]\d{4})$/i;
const EPOCH_MS = /^[+-]?\d{1,16}$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Inputs longer than this are not timestamps; bounds the regex work on hostile strings. */
const MAX_LENGTH = 64;

/**
 * Parses an incoming timestamp leniently, like the reference's Jackson `StdDateFormat`
 * (docs/api/README.md): ISO-8601 with or without zone and millis (no zone ⇒ UTC), date-only,
 * RFC-1123, or epoch milliseconds as a JSON number or a numeric string. A valid `Date` passes
 * through. Returns null for anything else (including impossible dates such as `2018-02-30`);
 * never throws.
 */
export function parseTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? valid(Math.trunc(value)) : null;
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return null;
  const text = value.trim();
  if (EPOCH_MS.test(text)) return valid(Number(text));
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = iso;
    const ms = Number(frac.padEnd(3, '0').slice(0, 3));
    return fromParts(+y, +mo, +d, +h, +mi, +s, ms, zoneOffsetMinutes(zone));
  }
  const rfc = RFC_1123.exec(text);
  if (rfc) {
    const [, d, mon, y, h, mi, s, zone] = rfc;
    const month = MONTHS.indexOf(mon.toLowerCase()) + 1;
    return fromParts(+y, month, +d, +h, +mi, +s, 0, zoneOffsetMinutes(zone));
  }
  return null;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone == null || /^(Z|GMT|UTC)$/i.test(zone)) return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5) || '0');
  return sign * (hours * 60 + minutes);
}

function fromParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): Date | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // ...but it rolls 2018-02-30 over into March, which the reference rejects.
  if (date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, ms);
  return valid(date.getTime() - offsetMinutes * 60_000);
}

function valid(ms: number): Date | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}
