import { formatTimestamp } from '../core/timestamp';
import type { SqlClient } from '../storage/sql-client.port';
import { SqlBuilder } from './query-builder';

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

/**
 * Adds the scope's axes to `where`, given the name column of the table; a null axis adds nothing.
 */
export function whereEventScope(
  where: SqlBuilder,
  scope: EventScope,
  nameColumn: string,
): SqlBuilder {
  if (scope.deviceId != null) where.where(`device_id = ${where.param(scope.deviceId)}`);
  return where
    .whereAnyOf('network_id', scope.networkIds, 'bigint')
    .whereAnyOf('device_type_id', scope.deviceTypeIds, 'bigint')
    .whereAnyOf(nameColumn, scope.names, 'text');
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
export function listWhere(filter: EventListFilter, nameColumn: string): SqlBuilder {
  const where = new SqlBuilder();
  where.where(`device_id = ${where.param(filter.deviceId)}`);
  if (filter.start) {
    where.where(`timestamp >= ${where.param(timestampParam(filter.start))}::timestamp`);
  }
  if (filter.end) where.where(`timestamp <= ${where.param(timestampParam(filter.end))}::timestamp`);
  return where.whereAnyOf(nameColumn, filter.names, 'text');
}

/** The rows of one list page of `table`: `where`, then the page's order and LIMIT/OFFSET. */
export async function selectPage<Row extends object>(
  sql: SqlClient,
  table: string,
  columns: string,
  where: SqlBuilder,
  page: EventPage,
): Promise<Row[]> {
  const { rows } = await sql.query<Row>(
    `SELECT ${columns} FROM ${table}${where.whereClause()} ${orderBy(page)}${where.pageClause(page)}`,
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
  where: SqlBuilder,
  timeColumn: string,
  limit: number,
): Promise<Row[]> {
  const { rows } = await sql.query<Row>(
    `SELECT ${columns} FROM ${table}${where.whereClause()}
     ORDER BY ${timeColumn} ASC, id ASC LIMIT ${where.param(limit)}`,
    where.params,
  );
  return rows;
}
