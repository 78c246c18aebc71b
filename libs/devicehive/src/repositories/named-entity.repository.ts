import type { IdScope } from '@dh-mqtt/protocol';
import type { SqlClient } from '../storage/sql-client.port';
import {
  SqlBuilder,
  toNumber,
  type NameFilter,
  type Page,
  type SortDirection,
} from './query-builder';

/**
 * A network or device type in its listed view (docs/api/networks.md, docs/api/device-types.md, key
 * order kept).
 */
export interface NamedEntityRecord {
  id: number;
  name: string;
  description: string | null;
}

/**
 * `network/list`, `devicetype/list` filters (docs/api/device-types.md, docs/api/networks.md) plus
 * the visibility scope (docs/api/README.md).
 */
export interface NamedEntityQuery extends NameFilter {
  ids: IdScope;
}

export type NamedEntitySortField = 'id' | 'name';

/** Only these tables: the name is interpolated into SQL. */
export type NamedEntityTable = 'dh_network' | 'dh_device_type';

/** A dh_network or dh_device_type row as the drivers return it. */
export interface NamedRow {
  id: unknown;
  name: string;
  description: string | null;
}

/** The record of a dh_network or dh_device_type row. */
export const toNamedEntityRecord = (row: NamedRow): NamedEntityRecord => ({
  id: toNumber(row.id),
  name: row.name,
  description: row.description ?? null,
});

// SQL of the two entities that share one shape and one set of rules: networks and device types
// (docs/api/device-types.md: the same rules as networks). `table` is one of two constants.

/** The entity with that id, or null. `forUpdate` locks it until the transaction ends. */
export async function findNamedEntity(
  sql: SqlClient,
  table: NamedEntityTable,
  id: number,
  options: { forUpdate?: boolean } = {},
): Promise<NamedEntityRecord | null> {
  const lock = options.forUpdate ? ' FOR UPDATE' : '';
  const { rows } = await sql.query<NamedRow>(
    `SELECT id, name, description FROM ${table} WHERE id = $1${lock}`,
    [id],
  );
  return rows[0] ? toNamedEntityRecord(rows[0]) : null;
}

export async function isNamedEntityNameTaken(
  sql: SqlClient,
  table: NamedEntityTable,
  name: string,
  exceptId?: number,
): Promise<boolean> {
  const { rows } = await sql.query(
    `SELECT 1 FROM ${table} WHERE name = $1 AND id IS DISTINCT FROM $2`,
    [name, exceptId ?? null],
  );
  return rows.length > 0;
}

export async function listNamedEntities(
  sql: SqlClient,
  table: NamedEntityTable,
  query: NamedEntityQuery,
  sort: { field: NamedEntitySortField; direction: SortDirection },
  page: Page,
): Promise<NamedEntityRecord[]> {
  const b = namedEntityConditions(query);
  const order = sort.field === 'name' ? `name ${sort.direction}, id` : `id ${sort.direction}`;
  const { rows } = await sql.query<NamedRow>(
    `SELECT id, name, description FROM ${table}${b.whereClause()}
     ORDER BY ${order}${b.pageClause(page)}`,
    b.params,
  );
  return rows.map(toNamedEntityRecord);
}

export async function countNamedEntities(
  sql: SqlClient,
  table: NamedEntityTable,
  query: NamedEntityQuery,
): Promise<number> {
  const b = namedEntityConditions(query);
  const { rows } = await sql.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM ${table}${b.whereClause()}`,
    b.params,
  );
  return toNumber(rows[0]?.n ?? 0);
}

/** The lowest id within `scope`, or null when the scope holds no existing entity. */
export async function lowestNamedEntityId(
  sql: SqlClient,
  table: NamedEntityTable,
  scope: IdScope,
): Promise<number | null> {
  const b = new SqlBuilder().whereInScope('id', scope);
  const { rows } = await sql.query<{ id: unknown }>(
    `SELECT min(id) AS id FROM ${table}${b.whereClause()}`,
    b.params,
  );
  return rows[0]?.id == null ? null : toNumber(rows[0].id);
}

export async function insertNamedEntity(
  sql: SqlClient,
  table: NamedEntityTable,
  entity: { name: string; description: string | null },
): Promise<number> {
  const { rows } = await sql.query<{ id: unknown }>(
    `INSERT INTO ${table} (name, description) VALUES ($1, $2) RETURNING id`,
    [entity.name, entity.description],
  );
  return toNumber(rows[0]?.id);
}

/** Writes the full record back and bumps the entity version. */
export async function updateNamedEntity(
  sql: SqlClient,
  table: NamedEntityTable,
  entity: NamedEntityRecord,
): Promise<void> {
  await sql.query(
    `UPDATE ${table} SET name = $2, description = $3, entity_version = entity_version + 1
     WHERE id = $1`,
    [entity.id, entity.name, entity.description],
  );
}

/**
 * Deletes the entity; its devices and user assignments go with it (FK ON DELETE CASCADE,
 * docs/api/networks.md). False when there was none.
 */
export async function deleteNamedEntity(
  sql: SqlClient,
  table: NamedEntityTable,
  id: number,
): Promise<boolean> {
  const { rowCount } = await sql.query(`DELETE FROM ${table} WHERE id = $1`, [id]);
  return rowCount > 0;
}

function namedEntityConditions(query: NamedEntityQuery): SqlBuilder {
  return new SqlBuilder().whereInScope('id', query.ids).whereName('name', query);
}

/** Ids of the networks assigned to a user (dh_user_network), ascending. */
export async function assignedNetworkIds(sql: SqlClient, userId: number): Promise<number[]> {
  const { rows } = await sql.query<{ network_id: unknown }>(
    'SELECT network_id FROM dh_user_network WHERE user_id = $1 ORDER BY network_id',
    [userId],
  );
  return rows.map((row) => toNumber(row.network_id));
}
