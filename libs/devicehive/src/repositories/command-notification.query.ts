import { formatTimestamp } from '../core/timestamp';
import type { SqlClient } from '../storage/sql-client.port';

/**
 * Column selector of a timestamp: formatted by the database, since `pg` reads TIMESTAMP in local
 * time.
 */
export function timestampColumn(column: string, alias: string): string {
  return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS ${alias}`;
}

/** A `Date` as a TIMESTAMP parameter (UTC wall time, docs/api/README.md). */
export function timestampParam(date: Date): string {
  return formatTimestamp(date);
}

/** Which stored events an event query covers: each axis null = any (docs/api/subscriptions.md). */
export interface EventScope {
  deviceId: string | null;
  networkIds: readonly number[] | null;
  deviceTypeIds: readonly number[] | null;
  names: readonly string[] | null;
}

/** List paging and order (docs/api/commands.md `command/list`, docs/api/README.md). */
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

/**
 * The `command/list` and `notification/list` filters they share (docs/api/commands.md,
 * docs/api/notifications.md); all AND-ed.
 */
export interface EventListFilter {
  deviceId: string;
  /** Inclusive bounds on `timestamp`. */
  start: Date | null;
  end: Date | null;
  /** Exact names (the name column, or CODE's `names`). */
  names: readonly string[] | null;
}

/** The conditions of a device's list page: device, inclusive timestamp bounds, exact names. */
export function listWhere(filter: EventListFilter, nameColumn: string): WhereBuilder {
  const where = new WhereBuilder().add('device_id = ?', filter.deviceId);
  if (filter.start) where.add('timestamp >= ?::timestamp', timestampParam(filter.start));
  if (filter.end) where.add('timestamp <= ?::timestamp', timestampParam(filter.end));
  if (filter.names) where.add(`${nameColumn} = ANY(?::text[])`, [...filter.names]);
  return where;
}

/** The rows of one list page of `table`: `where`, then the page's order and LIMIT/OFFSET. */
export async function selectPage<Row extends object>(
  sql: SqlClient,
  table: string,
  columns: string,
  where: WhereBuilder,
  page: EventPage,
): Promise<Row[]> {
  const limit = where.clause('LIMIT ? OFFSET ?', page.take, page.skip);
  const { rows } = await sql.query<Row>(
    `SELECT ${columns} FROM ${table} ${where.toSql()} ${orderBy(page)} ${limit}`,
    where.params,
  );
  return rows;
}

/** The row of `table` with that id on that device, if any. */
export async function selectOnDevice<Row extends object>(
  sql: SqlClient,
  table: string,
  columns: string,
  deviceId: string,
  id: number,
): Promise<Row | undefined> {
  const { rows } = await sql.query<Row>(
    `SELECT ${columns} FROM ${table} WHERE id = $1 AND device_id = $2`,
    [id, deviceId],
  );
  return rows[0];
}

/**
 * Replay rows of `table` (docs/api/subscriptions.md subscribe): `where`,
 * oldest `timeColumn` first, at most `limit`.
 */
export async function selectSince<Row extends object>(
  sql: SqlClient,
  table: string,
  columns: string,
  where: WhereBuilder,
  timeColumn: string,
  limit: number,
): Promise<Row[]> {
  const tail = where.clause(`ORDER BY ${timeColumn} ASC, id ASC LIMIT ?`, limit);
  const { rows } = await sql.query<Row>(
    `SELECT ${columns} FROM ${table} ${where.toSql()} ${tail}`,
    where.params,
  );
  return rows;
}
