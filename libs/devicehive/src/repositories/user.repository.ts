import { UserStatus, type JsonObject } from '@dh-mqtt/protocol';
import { formatTimestamp } from '../core/timestamp';
import type { SqlClient } from '../storage/sql-client.port';
import { jsonParam } from '../storage/sql-types';
import {
  likePattern,
  SqlBuilder,
  sqlState,
  toNumber,
  UNIQUE_VIOLATION,
  type Page,
  type SortDirection,
} from './query-builder';

/**
 * A user as the API may show it (docs/api/users.md). The password hash, salt and
 * loginAttempts are never read into this shape, so no view can leak them.
 */
export interface UserRecord {
  id: number;
  login: string;
  role: number;
  status: number;
  /** `yyyy-MM-dd'T'HH:mm:ss.SSS` UTC (docs/api/README.md), formatted by the database. */
  lastLogin: string | null;
  data: JsonObject | null;
  introReviewed: boolean;
  allDeviceTypesAvailable: boolean;
}

/** `user/list` and `user/count` filters (docs/api/users.md); all combine with AND. */
export interface UserFilter {
  login?: string;
  /** SQL LIKE pattern; when given, `login` is ignored (docs/api/users.md). */
  loginPattern?: string;
  role?: number;
  status?: number;
}

export type UserSortField = 'id' | 'login';

/** Sorting and paging of `user/list` (docs/api/README.md). */
export interface UserListOptions {
  sort: { field: UserSortField; direction: SortDirection };
  page: Page;
}

export interface NewUser {
  login: string;
  /** A `$scrypt$...` hash (auth/password.ts); the salt is part of it. */
  passwordHash: string;
  role: number;
  status: number;
  data: JsonObject | null;
  introReviewed: boolean;
  allDeviceTypesAvailable: boolean;
}

/** Columns to change; absent keys keep their value. */
export interface UserChanges {
  login?: string;
  /** A `$scrypt$...` hash; the reference salt column is cleared. */
  passwordHash?: string;
  role?: number;
  /** Any status clears `locked_at` (an admin's choice never expires); ACTIVE also resets attempts. */
  status?: number;
  data?: JsonObject | null;
  introReviewed?: boolean;
  allDeviceTypesAvailable?: boolean;
}

const USER_COLUMNS =
  'id, login, role, status, last_login, data, intro_reviewed, all_device_types_available';

interface UserRow {
  id: unknown;
  login: string;
  role: number;
  status: number;
  last_login: Date | null;
  data: JsonObject | null;
  intro_reviewed: boolean;
  all_device_types_available: boolean;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: toNumber(row.id),
    login: row.login,
    role: row.role,
    status: row.status,
    lastLogin: row.last_login && formatTimestamp(row.last_login),
    data: row.data ?? null,
    introReviewed: row.intro_reviewed,
    allDeviceTypesAvailable: row.all_device_types_available,
  };
}

function conditions(filter: UserFilter): SqlBuilder {
  const b = new SqlBuilder();
  if (filter.loginPattern != null) {
    b.where(`login LIKE ${b.param(likePattern(filter.loginPattern))}`);
  } else if (filter.login != null) {
    b.where(`login = ${b.param(filter.login)}`);
  }
  if (filter.role != null) b.where(`role = ${b.param(filter.role)}`);
  if (filter.status != null) b.where(`status = ${b.param(filter.status)}`);
  return b;
}

/** Unique-constraint violation (SQLSTATE 23505), raised alike by `pg` and PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === UNIQUE_VIOLATION;
}

/** Foreign-key violation (SQLSTATE 23503): a referenced row vanished concurrently. */
export function isForeignKeyViolation(error: unknown): boolean {
  return sqlState(error) === '23503';
}

/** Whether a parsed request id can name a row (non-integers and NaN never do). */
const storable = (id: number) => Number.isSafeInteger(id);

// SQL access to `dh_user`. Every function is a single statement, safe under concurrency.

/** The user, or null when there is none. */
export async function findUserById(sql: SqlClient, id: number): Promise<UserRecord | null> {
  if (!storable(id)) return null;
  const { rows } = await sql.query<UserRow>(`SELECT ${USER_COLUMNS} FROM dh_user WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The id of the user with exactly that login (case-sensitive, docs/api/users.md), or null. */
export async function findUserIdByLogin(sql: SqlClient, login: string): Promise<number | null> {
  const { rows } = await sql.query<{ id: unknown }>('SELECT id FROM dh_user WHERE login = $1', [
    login,
  ]);
  return rows[0] ? toNumber(rows[0].id) : null;
}

export async function listUsers(
  sql: SqlClient,
  filter: UserFilter,
  { sort, page }: UserListOptions,
): Promise<UserRecord[]> {
  const b = conditions(filter);
  // Column and direction come from closed unions, never from the request text.
  const { rows } = await sql.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM dh_user${b.whereClause()}
     ORDER BY ${sort.field} ${sort.direction}, id ${sort.direction}${b.pageClause(page)}`,
    b.params,
  );
  return rows.map(toRecord);
}

export async function countUsers(sql: SqlClient, filter: UserFilter): Promise<number> {
  const b = conditions(filter);
  const { rows } = await sql.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM dh_user${b.whereClause()}`,
    b.params,
  );
  return toNumber(rows[0]?.n ?? 0);
}

/**
 * Inserts the user; null when the login is taken. `ON CONFLICT` makes the check and the
 * insert one atomic step, so two concurrent inserts of one login cannot both succeed.
 */
export async function insertUser(sql: SqlClient, user: NewUser): Promise<UserRecord | null> {
  const { rows } = await sql.query<UserRow>(
    `INSERT INTO dh_user (login, password_hash, password_salt, role, status, login_attempts,
       data, intro_reviewed, all_device_types_available)
     VALUES ($1, $2, NULL, $3, $4, 0, $5::jsonb, $6, $7)
     ON CONFLICT (login) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [
      user.login,
      user.passwordHash,
      user.role,
      user.status,
      jsonParam(user.data),
      user.introReviewed,
      user.allDeviceTypesAvailable,
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Applies the changes; false when the user does not exist. A login taken concurrently surfaces
 * as a unique violation (see {@link isUniqueViolation}).
 */
export async function updateUser(
  sql: SqlClient,
  id: number,
  changes: UserChanges,
): Promise<boolean> {
  if (!storable(id)) return false;
  const sets: string[] = [];
  const params: unknown[] = [];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (changes.login !== undefined) set('login', changes.login);
  if (changes.passwordHash !== undefined) {
    set('password_hash', changes.passwordHash);
    set('password_salt', null);
  }
  if (changes.role !== undefined) set('role', changes.role);
  if (changes.status !== undefined) {
    set('status', changes.status);
    set('locked_at', null);
    if (changes.status === UserStatus.Active) set('login_attempts', 0);
  }
  if (changes.data !== undefined) set('data', jsonParam(changes.data), '::jsonb');
  if (changes.introReviewed !== undefined) set('intro_reviewed', changes.introReviewed);
  if (changes.allDeviceTypesAvailable !== undefined) {
    set('all_device_types_available', changes.allDeviceTypesAvailable);
  }
  sets.push('entity_version = entity_version + 1');
  params.push(id);
  const { rowCount } = await sql.query(
    `UPDATE dh_user SET ${sets.join(', ')} WHERE id = $${params.length}`,
    params,
  );
  return rowCount > 0;
}

/**
 * Deletes the user; false when absent. Its network and device-type assignments go with it
 * (`ON DELETE CASCADE`, docs/api/users.md `user/delete`).
 */
export async function deleteUser(sql: SqlClient, id: number): Promise<boolean> {
  if (!storable(id)) return false;
  const { rowCount } = await sql.query('DELETE FROM dh_user WHERE id = $1', [id]);
  return rowCount > 0;
}
