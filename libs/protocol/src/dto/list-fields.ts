import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { check, compose, Default, failWith, invalid, isWireLong } from './field-decorators';
import { Schema } from './field-schema';

/** Default and maximum page size of every list (docs/api/README.md; `take` is capped). */
export const DEFAULT_TAKE = 20;
export const MAX_TAKE = 1000;
export const DEFAULT_SKIP = 0;

export type SortOrder = 'ASC' | 'DESC';

/**
 * `sortField`: one of `fields`, case-insensitive (docs/api/README.md), else 400 `Invalid request
 * parameters`.
 */
export function SortFieldOf(fields: readonly string[]): PropertyDecorator {
  const canonical = (v: unknown): unknown =>
    typeof v === 'string' ? (fields.find((f) => f.toLowerCase() === v.toLowerCase()) ?? v) : v;
  return compose(
    Schema({ type: 'string', enum: [...fields], description: 'Case-insensitive.' }),
    Transform(({ value }) => canonical(value), { toClassOnly: true }),
    IsOptional(),
    IsIn([...fields], failWith('INVALID_REQUEST_PARAMETERS')),
  );
}

/**
 * `sortOrder`: `ASC`/`DESC`, case-insensitive, else 400 `Unparseable sort order : <v>`
 * (docs/api/devices.md); absent or null takes `defaultOrder`.
 */
export function SortOrderField(defaultOrder?: SortOrder): PropertyDecorator {
  const canonical = (v: unknown): unknown =>
    typeof v === 'string' && /^(asc|desc)$/i.test(v) ? v.toUpperCase() : v;
  return compose(
    Schema({
      type: 'string',
      enum: ['ASC', 'DESC'],
      description: 'Case-insensitive.',
      ...(defaultOrder ? { default: defaultOrder } : {}),
    }),
    Transform(({ value }) => canonical(value ?? defaultOrder), { toClassOnly: true }),
    IsOptional(),
    IsIn(['ASC', 'DESC'], failWith('UNPARSEABLE_SORT_ORDER', 1, true)),
  );
}

/** `take`: default 20; capped at MAX_TAKE; 0 means "no limit" in the reference, i.e. the cap. */
export function TakeField(): PropertyDecorator {
  const clamp = (v: unknown): unknown =>
    isWireLong(v) && v >= 0 ? Math.min(v || MAX_TAKE, MAX_TAKE) : v;
  return compose(
    Schema({
      type: 'integer',
      minimum: 0,
      default: DEFAULT_TAKE,
      description: `At most ${MAX_TAKE} are returned; 0 means ${MAX_TAKE}.`,
    }),
    Transform(({ value }) => clamp(value ?? DEFAULT_TAKE), { toClassOnly: true }),
    check('isPageSize', (v) => isWireLong(v) && v >= 0, invalid('must be a non-negative integer')),
  );
}

/** `skip`: default 0. */
export function SkipField(): PropertyDecorator {
  return compose(
    Schema({ type: 'integer', minimum: 0 }),
    Default(DEFAULT_SKIP),
    check('isOffset', (v) => isWireLong(v) && v >= 0, invalid('must be a non-negative integer')),
  );
}
