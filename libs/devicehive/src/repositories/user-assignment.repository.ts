import type { SqlClient } from '../storage/sql-client.port';
import { toNumber } from './query-builder';

/**
 * A network or device type in its short view: id, name, description (docs/api/networks.md,
 * docs/api/device-types.md).
 */
export interface NamedEntity {
  id: number;
  name: string;
  description: string | null;
}

interface NamedRow {
  id: unknown;
  name: string;
  description: string | null;
}

const toNamed = (row: NamedRow): NamedEntity => ({
  id: toNumber(row.id),
  name: row.name,
  description: row.description,
});

/** Where each kind of assignment lives. Table names are constants, never request text. */
const KINDS = {
  network: { entity: 'dh_network', link: 'dh_user_network', column: 'network_id' },
  deviceType: { entity: 'dh_device_type', link: 'dh_user_device_type', column: 'device_type_id' },
} as const;

/** Which assignment: user↔network or user↔device type. */
export type AssignmentKind = keyof typeof KINDS;

/** SQL access to the user↔network and user↔device-type join tables (`dh_user_*`). */
export class UserAssignmentRepository {
  constructor(private readonly sql: SqlClient) {}

  async exists(kind: AssignmentKind, id: number): Promise<boolean> {
    if (!Number.isSafeInteger(id)) return false;
    const { rows } = await this.sql.query(`SELECT 1 FROM ${KINDS[kind].entity} WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /** Every network/device type of that kind, ordered by id. */
  async listAll(kind: AssignmentKind): Promise<NamedEntity[]> {
    const { rows } = await this.sql.query<NamedRow>(
      `SELECT id, name, description FROM ${KINDS[kind].entity} ORDER BY id`,
    );
    return rows.map(toNamed);
  }

  /** The entities assigned to the user, ordered by id. */
  async listAssigned(kind: AssignmentKind, userId: number): Promise<NamedEntity[]> {
    const { entity, link, column } = KINDS[kind];
    const { rows } = await this.sql.query<NamedRow>(
      `SELECT e.id, e.name, e.description FROM ${entity} e
       JOIN ${link} l ON l.${column} = e.id
       WHERE l.user_id = $1 ORDER BY e.id`,
      [userId],
    );
    return rows.map(toNamed);
  }

  /** The entity when it is assigned to the user, else null. */
  async findAssigned(
    kind: AssignmentKind,
    userId: number,
    id: number,
  ): Promise<NamedEntity | null> {
    if (!Number.isSafeInteger(id)) return null;
    const { entity, link, column } = KINDS[kind];
    const { rows } = await this.sql.query<NamedRow>(
      `SELECT e.id, e.name, e.description FROM ${entity} e
       JOIN ${link} l ON l.${column} = e.id
       WHERE l.user_id = $1 AND e.id = $2`,
      [userId, id],
    );
    return rows[0] ? toNamed(rows[0]) : null;
  }

  /** The entity, or null when there is none. */
  async findById(kind: AssignmentKind, id: number): Promise<NamedEntity | null> {
    if (!Number.isSafeInteger(id)) return null;
    const { rows } = await this.sql.query<NamedRow>(
      `SELECT id, name, description FROM ${KINDS[kind].entity} WHERE id = $1`,
      [id],
    );
    return rows[0] ? toNamed(rows[0]) : null;
  }

  /**
   * Assigns; a second assignment is a no-op (idempotent, docs/api/users.md). Throws a foreign-key
   * violation when the user or entity was deleted concurrently.
   */
  async assign(kind: AssignmentKind, userId: number, id: number): Promise<void> {
    const { link, column } = KINDS[kind];
    await this.sql.query(
      `INSERT INTO ${link} (user_id, ${column}) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [userId, id],
    );
  }

  /** Removes the assignment if present. */
  async unassign(kind: AssignmentKind, userId: number, id: number): Promise<void> {
    const { link, column } = KINDS[kind];
    await this.sql.query(`DELETE FROM ${link} WHERE user_id = $1 AND ${column} = $2`, [userId, id]);
  }
}
