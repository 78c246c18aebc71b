import {
  DEFAULT_SKIP,
  DEFAULT_TAKE,
  SkipField,
  SortOrderField,
  TakeField,
  type SortOrder,
} from './list-fields';

/**
 * Paging shared by every list (docs/api/README.md): `take` default 20, capped at MAX_TAKE
 * (0, "no limit" in the reference, means the cap); `skip` default 0. Wrong kinds or negatives ⇒
 * 400 `Validation failed: take must be a non-negative integer`.
 */
export abstract class PageRequest {
  @TakeField()
  take: number = DEFAULT_TAKE;

  @SkipField()
  skip: number = DEFAULT_SKIP;
}

/**
 * Entity lists (devices, networks, device types, users): `sortOrder` case-insensitive, default
 * `ASC`; anything else ⇒ 400 `Unparseable sort order : <v>` (docs/api/README.md).
 */
export abstract class EntityPageRequest extends PageRequest {
  @SortOrderField('ASC')
  sortOrder: SortOrder = 'ASC';
}

/**
 * Command and notification lists: `sortOrder` stays absent unless given; with a `sortField` the
 * order then defaults to `DESC` (docs/api/commands.md), which `applyDefaults` resolves after
 * validation.
 */
export abstract class EventPageRequest extends PageRequest {
  @SortOrderField()
  sortOrder?: SortOrder;

  abstract sortField?: string;

  /** Called by `validateRequest` on a valid request. */
  applyDefaults(): void {
    if (this.sortField != null && this.sortOrder == null) this.sortOrder = 'DESC';
  }
}
