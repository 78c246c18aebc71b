import { formatTimestamp } from '../core/timestamp';

/** Column selector of a timestamp: formatted by the database, since `pg` reads TIMESTAMP in local time. */
export function timestampColumn(column: string, alias: string): string {
  return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS ${alias}`;
}

/** A `Date` as a TIMESTAMP parameter (UTC wall time, devicehive-api.md §1.7). */
export function timestampParam(date: Date): string {
  return formatTimestamp(date);
}

/** A JSON-object column value as a JSONB parameter (`$n::jsonb`). */
export function jsonParam(value: unknown): string | null {
  return value == null ? null : JSON.stringify(value);
}

/** Which stored events an event query covers: each axis null = any (devicehive-api.md §6.1). */
export interface EventScope {
  deviceId: string | null;
  networkIds: readonly number[] | null;
  deviceTypeIds: readonly number[] | null;
  names: readonly string[] | null;
}

/** List paging and order (devicehive-api.md §4.7 `command/list`, §6.2). */
export interface EventPage {
  /** A recognised column name, or null for id order. */
  sortField: string | null;
  sortOrder: 'ASC' | 'DESC';
  take: number;
  skip: number;
}

/** Accumulates AND-ed conditions with `$n` parameters. */
export class WhereBuilder {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** Adds `condition`, where each `?` is replaced by the next of `values`. */
  add(condition: string, ...values: unknown[]): this {
    let i = 0;
    this.conditions.push(
      condition.replace(/\?/g, () => {
        this.params.push(values[i++]);
        return `$${this.params.length}`;
      }),
    );
    return this;
  }

  /** Adds the scope's axes, given the name column of the table. */
  addScope(scope: EventScope, nameColumn: string): this {
    if (scope.deviceId != null) this.add('device_id = ?', scope.deviceId);
    if (scope.networkIds != null) this.add('network_id = ANY(?::bigint[])', [...scope.networkIds]);
    if (scope.deviceTypeIds != null) {
      this.add('device_type_id = ANY(?::bigint[])', [...scope.deviceTypeIds]);
    }
    if (scope.names != null) this.add(`${nameColumn} = ANY(?::text[])`, [...scope.names]);
    return this;
  }

  /** Appends a clause (ORDER BY, LIMIT...) whose `?` placeholders take `values`. */
  clause(text: string, ...values: unknown[]): string {
    let i = 0;
    return text.replace(/\?/g, () => {
      this.params.push(values[i++]);
      return `$${this.params.length}`;
    });
  }

  toSql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** ORDER BY for a list page: the sort column, then id, both in the requested direction. */
export function orderBy(page: EventPage): string {
  if (page.sortField == null) return 'ORDER BY id ASC';
  return `ORDER BY ${page.sortField} ${page.sortOrder}, id ${page.sortOrder}`;
}
