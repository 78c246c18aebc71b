import { DhError } from '@dh-mqtt/protocol';

// yyyy-MM-dd, optional time with optional seconds/fraction, optional zone (docs/api/README.md).
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH_MS = /^-?\d+$/;

/**
 * Parses an incoming timestamp leniently, like the reference's Jackson StdDateFormat
 * (docs/api/README.md): a `Date` (DTOs may have converted it already), epoch milliseconds
 * (number or numeric string), ISO-8601 with or without zone (no zone ⇒ UTC), date-only, or
 * RFC-1123. Precision is cut to milliseconds.
 *
 * @throws DhError `UNPARSEABLE_TIMESTAMP` (400) for anything else, or a year outside 1..9999.
 */
export function parseTimestamp(value: unknown): Date {
  const date = toDate(value);
  const year = date?.getUTCFullYear() ?? NaN;
  if (!date || !(year >= 1 && year <= 9999)) throw new DhError('UNPARSEABLE_TIMESTAMP');
  return new Date(Math.trunc(date.getTime()));
}

/** Like {@link parseTimestamp}, but null/undefined give null. */
export function parseOptionalTimestamp(value: unknown): Date | null {
  return value == null ? null : parseTimestamp(value);
}

/** The outgoing format of docs/api/README.md: UTC `yyyy-MM-dd'T'HH:mm:ss.SSS`, no zone suffix. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 23);
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (EPOCH_MS.test(text)) return new Date(Number(text));
  const iso = ISO.exec(text);
  if (iso) return fromIsoParts(iso);
  // RFC-1123 and other forms that carry their own zone; Date.parse reads "GMT" correctly.
  const parsed = /[a-z]{3},/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

function fromIsoParts(m: RegExpExecArray): Date | null {
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const check = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  check.setUTCFullYear(year); // Date.UTC maps years 0..99 to 1900..1999
  // Reject rollovers such as 2018-02-30 or 25:00.
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    return null;
  }
  return new Date(check.getTime() - zoneOffsetMs(zone));
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return sign * (hours * 60 + minutes) * 60_000;
}
