/**
 * One set of JS types for both adapters (PostgreSQL via `pg`, PGlite), so services and tests see
 * the same rows whatever the storage:
 * - BIGINT/BIGSERIAL (and `count(*)`) → number when it is a safe integer, bigint beyond 2^53
 *   (ids stay far below; a bigint makes an overflow loud instead of silently rounded);
 * - BIGINT[] → number[] (same rule per element);
 * - TIMESTAMP (without time zone) → Date read as UTC: the schema stores UTC wall time
 *   (docs/api/README.md), whatever the process TZ;
 * - Date parameters → ISO-8601 UTC strings (both drivers would otherwise disagree on the zone);
 * - JSON/JSONB → parsed values; NUMERIC → string (both drivers' default).
 */

/** PostgreSQL type oids the adapters parse themselves. */
export const PG_OID = { INT8: 20, INT8_ARRAY: 1016, TIMESTAMP: 1114 } as const;

/** BIGINT text → number when safe, else bigint. */
export function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** BIGINT[] text (`{1,2,NULL}`) → numbers (see parseInt8); nested arrays are not used. */
export function parseInt8Array(text: string): Array<number | bigint | null> {
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  return inner.split(',').map((item) => (item === 'NULL' ? null : parseInt8(item)));
}

/** TIMESTAMP text (`2018-02-08 15:49:29.123`) → Date of that UTC wall time. */
export function parseUtcTimestamp(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/** Maps query parameters to what both drivers send identically (Date → UTC ISO string). */
export function toSqlParams(params: readonly unknown[]): unknown[] {
  return params.map((value) => (value instanceof Date ? value.toISOString() : value));
}

/**
 * A JSON value as a JSONB parameter (`$n::jsonb`): sent as JSON text, so both drivers store it
 * verbatim; null and undefined become SQL NULL.
 */
export function jsonParam(value: unknown): string | null {
  return value == null ? null : JSON.stringify(value);
}
