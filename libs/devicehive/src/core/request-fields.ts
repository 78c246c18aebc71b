import { DhError, type JsonObject } from '@dh-mqtt/protocol';
import type { Page, SortDirection } from '../repositories/query-builder';

const INTEGER = /^-?\d+$/;

/**
 * An entity id from the request (docs/api/README.md: a number or a numeric string), or
 * null when absent. An integer that no row can have (beyond ±2^53, fractional) becomes NaN, which
 * never matches, so lookups answer 404 instead of failing in the database.
 */
export function parseId(value: unknown): number | null {
  if (value == null) return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && INTEGER.test(value.trim())
        ? Number(value.trim())
        : NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}

/** Whether an id parsed by `parseId` can exist in a BIGSERIAL column. */
export function isStorableId(id: number | null): id is number {
  return id != null && Number.isSafeInteger(id);
}

/** The id as the reference prints it in error texts. */
export function idText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Whether a value is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string request field; undefined when absent or null. Non-strings are a 400. */
export function optionalString(request: JsonObject, field: string): string | undefined {
  const value = request[field];
  if (value == null) return undefined;
  if (typeof value !== 'string') throw new DhError('INVALID_REQUEST_PARAMETERS');
  return value;
}

/** A sorted, paged list request (docs/api/README.md). */
export interface ListQuery<Field extends string> {
  sort: { field: Field; direction: SortDirection };
  page: Page;
}

function pagingNumber(value: unknown, fallback: number): number {
  if (value == null) return fallback;
  const n = typeof value === 'string' && INTEGER.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  // Beyond 2^53 nothing changes: no table holds that many rows.
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

/**
 * Reads `sortField`, `sortOrder`, `take` (default 20) and `skip` (default 0) (docs/api/README.md).
 * `sortFields` maps accepted field names (lower case) to the repository's sort key; matching is
 * case-insensitive. Unknown field ⇒ 400 `Invalid request parameters`; bad order ⇒ 400
 * `Unparseable sort order : <v>` (the reference sends no reply at all there, a REF-BUG).
 */
export function readListQuery<Field extends string>(
  request: JsonObject,
  sortFields: Readonly<Record<string, Field>>,
  defaultField: Field,
): ListQuery<Field> {
  const rawField = request['sortField'];
  let field = defaultField;
  if (rawField != null) {
    const key = typeof rawField === 'string' ? rawField.toLowerCase() : undefined;
    if (key === undefined || !Object.prototype.hasOwnProperty.call(sortFields, key)) {
      throw new DhError('INVALID_REQUEST_PARAMETERS');
    }
    field = sortFields[key] as Field;
  }
  const rawOrder = request['sortOrder'];
  let direction: SortDirection = 'ASC';
  if (rawOrder != null) {
    const order = typeof rawOrder === 'string' ? rawOrder.toUpperCase() : undefined;
    if (order !== 'ASC' && order !== 'DESC') {
      throw new DhError('UNPARSEABLE_SORT_ORDER', idText(rawOrder));
    }
    direction = order;
  }
  return {
    sort: { field, direction },
    page: { take: pagingNumber(request['take'], 20), skip: pagingNumber(request['skip'], 0) },
  };
}
