import type { SqlClient } from '../storage/sql-client.port';
import {
  findNamedEntity,
  toNamedEntityRecord,
  type NamedEntityRecord,
  type NamedRow,
} from './named-entity.repository';

/** Where each kind of assignment lives. Table names are constants, never request text. */
const KINDS = {
  network: { entity: 'dh_network', link: 'dh_user_network', column: 'network_id' },
  deviceType: { entity: 'dh_device_type', link: 'dh_user_device_type', column: 'device_type_id' },
} as const;

/** Which assignment: user↔network or user↔device type. */
export type AssignmentKind = keyof typeof KINDS;

// SQL access to the user↔network and user↔device-type join tables (`dh_user_*`).

/** Whether the network or device type exists. */
export async function entityExists(
  sql: SqlClient,
  kind: AssignmentKind,
  id: number,
): Promise<boolean> {
  return (await findNamedEntity(sql, KINDS[kind].entity, id)) != null;
}

/** Every network/device type of that kind, ordered by id. */
export async function listAllEntities(
  sql: SqlClient,
  kind: AssignmentKind,
): Promise<NamedEntityRecord[]> {
  const { rows } = await sql.query<NamedRow>(
    `SELECT id, name, description FROM ${KINDS[kind].entity} ORDER BY id`,
  );
  return rows.map(toNamedEntityRecord);
}

/** The entities assigned to the user, ordered by id. */
export async function listAssignedEntities(
  sql: SqlClient,
  kind: AssignmentKind,
  userId: number,
): Promise<NamedEntityRecord[]> {
  const { entity, link, column } = KINDS[kind];
  const { rows } = await sql.query<NamedRow>(
    `SELECT e.id, e.name, e.description FROM ${entity} e
     JOIN ${link} l ON l.${column} = e.id
     WHERE l.user_id = $1 ORDER BY e.id`,
    [userId],
  );
  return rows.map(toNamedEntityRecord);
}

/** The entity when it is assigned to the user, else null. */
export async function findAssignedEntity(
  sql: SqlClient,
  kind: AssignmentKind,
  userId: number,
  id: number,
): Promise<NamedEntityRecord | null> {
  if (!Number.isSafeInteger(id)) return null;
  const { entity, link, column } = KINDS[kind];
  const { rows } = await sql.query<NamedRow>(
    `SELECT e.id, e.name, e.description FROM ${entity} e
     JOIN ${link} l ON l.${column} = e.id
     WHERE l.user_id = $1 AND e.id = $2`,
    [userId, id],
  );
  return rows[0] ? toNamedEntityRecord(rows[0]) : null;
}

/** The network or device type, or null when there is none. */
export function findEntity(
  sql: SqlClient,
  kind: AssignmentKind,
  id: number,
): Promise<NamedEntityRecord | null> {
  return findNamedEntity(sql, KINDS[kind].entity, id);
}

/**
 * Assigns; a second assignment is a no-op (idempotent, docs/api/users.md). Throws a foreign-key
 * violation when the user or entity was deleted concurrently.
 */
export async function assignEntity(
  sql: SqlClient,
  kind: AssignmentKind,
  userId: number,
  id: number,
): Promise<void> {
  const { link, column } = KINDS[kind];
  await sql.query(
    `INSERT INTO ${link} (user_id, ${column}) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [userId, id],
  );
}

/** Removes the assignment if present. */
export async function unassignEntity(
  sql: SqlClient,
  kind: AssignmentKind,
  userId: number,
  id: number,
): Promise<void> {
  const { link, column } = KINDS[kind];
  await sql.query(`DELETE FROM ${link} WHERE user_id = $1 AND ${column} = $2`, [userId, id]);
}
