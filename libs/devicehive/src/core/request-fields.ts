import type { SortOrder } from '@dh-mqtt/protocol';
import type { Page, SortDirection } from '../repositories/query-builder';

const INTEGER = /^-?\d+$/;

/**
 * An entity id given as a number or a numeric string (docs/api/README.md), or null when absent.
 * An integer that no row can have (beyond ±2^53, fractional) becomes NaN, which never matches.
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

/** Text the database can store: NUL is the one character PostgreSQL text rejects. */
export function isStorableText(text: string | null | undefined): boolean {
  return text == null || !text.includes('\u0000');
}

/** A sorted, paged list request (docs/api/README.md). */
export interface ListQuery<Key extends string> {
  sort: { field: Key; direction: SortDirection };
  page: Page;
}

/** The paging fields every entity list DTO carries (`EntityPageRequest`). */
export interface EntityPage<Field extends string> {
  sortField?: Field;
  sortOrder: SortOrder;
  take: number;
  skip: number;
}

/**
 * The sort and page of an entity list (docs/api/README.md): the DTO checked `sortField` (one of
 * `sortKeys`, canonical case), `sortOrder`, `take` and `skip`; no sortField sorts by `defaultKey`.
 */
export function entityListQuery<Field extends string, Key extends string>(
  request: EntityPage<Field>,
  sortKeys: Readonly<Record<Field, Key>>,
  defaultKey: Key,
): ListQuery<Key> {
  const field = request.sortField == null ? defaultKey : sortKeys[request.sortField];
  return {
    sort: { field, direction: request.sortOrder },
    page: { take: request.take, skip: request.skip },
  };
}
