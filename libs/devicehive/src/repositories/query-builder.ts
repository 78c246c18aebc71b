import type { IdScope } from '@dh-mqtt/protocol';

/** Sort direction of a list query; interpolated into SQL only through this union. */
export type SortDirection = 'ASC' | 'DESC';

/** Paging of a list query (docs/api/README.md): `take` 0 = no limit. */
export interface Page {
  take: number;
  skip: number;
}

/**
 * `name` exact and `namePattern` SQL LIKE filters shared by the list/count queries
 * (docs/api/README.md).
 */
export interface NameFilter {
  name?: string;
  namePattern?: string;
}

/**
 * Collects `$n` parameters and AND-ed conditions of one statement, so that every value reaches
 * the database as a parameter and never as SQL text. The one query builder of the repositories:
 * `where(...)` takes a condition whose values went through `param`.
 */
export class SqlBuilder {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Registers a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  where(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** Restricts `column` to the ids of `scope`; `'*'` adds nothing, `[]` matches no row. */
  whereInScope(column: string, scope: IdScope): this {
    if (scope === '*') return this;
    return this.where(`${column} = ANY(${this.param(scope)}::bigint[])`);
  }

  /**
   * Restricts `column` to `values` (`= ANY`, cast to `type[]`); null adds nothing, `[]` matches
   * no row.
   */
  whereAnyOf(
    column: string,
    values: readonly (string | number)[] | null,
    type: 'bigint' | 'text',
  ): this {
    if (values == null) return this;
    return this.where(`${column} = ANY(${this.param([...values])}::${type}[])`);
  }

  /** Adds the `name`/`namePattern` filters of docs/api/README.md on `column`. */
  whereName(column: string, filter: NameFilter): this {
    if (filter.name != null) this.where(`${column} = ${this.param(filter.name)}`);
    if (filter.namePattern != null) {
      this.where(`${column} LIKE ${this.param(likePattern(filter.namePattern))}`);
    }
    return this;
  }

  whereClause(): string {
    return this.conditions.length > 0 ? ` WHERE ${this.conditions.join(' AND ')}` : '';
  }

  /**
   * LIMIT/OFFSET of a page; `take` 0 means no limit, like the reference (docs/api/devices.md
   * device/list).
   */
  pageClause(page: Page): string {
    const limit = page.take > 0 ? ` LIMIT ${this.param(page.take)}` : '';
    return `${limit} OFFSET ${this.param(page.skip)}`;
  }
}

/**
 * A client LIKE pattern as PostgreSQL takes it: `%`/`_` are wildcards and `\` escapes the next
 * character (PostgreSQL's default, so `\%` matches a percent sign). A pattern ending in a lone
 * backslash would make PostgreSQL fail the query; that backslash is taken literally instead.
 */
export function likePattern(pattern: string): string {
  const trailing = /\\*$/.exec(pattern)?.[0].length ?? 0;
  return trailing % 2 === 1 ? `${pattern}\\` : pattern;
}

/** Reads a BIGINT column, which the drivers return as string, bigint or number. */
export function toNumber(value: unknown): number {
  return Number(value);
}

/** The SQLSTATE of a driver error (`pg` and PGlite both expose `code`), if any. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLSTATE 23505: a unique constraint rejected the write. */
export const UNIQUE_VIOLATION = '23505';
