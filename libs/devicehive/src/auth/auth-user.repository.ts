import type { UserRole, UserStatus } from '@dh-mqtt/protocol';
import { readIntegerSetting } from '../repositories/configuration.repository';
import type { SqlClient } from '../storage/sql-client.port';

/** The columns of `dh_user` that login and authentication read. */
export interface AuthUser {
  id: number;
  login: string;
  role: UserRole;
  status: UserStatus;
  passwordHash: string | null;
  passwordSalt: string | null;
  loginAttempts: number;
  allDeviceTypesAvailable: boolean;
}

const COLUMNS = `id, login, role, status, password_hash AS "passwordHash",
  password_salt AS "passwordSalt", login_attempts AS "loginAttempts",
  all_device_types_available AS "allDeviceTypesAvailable"`;

/** Settings of devicehive-api.md §3.8 and their defaults. */
export const MAX_LOGIN_ATTEMPTS_SETTING = 'user.login.maxAttempts';
export const DEFAULT_MAX_LOGIN_ATTEMPTS = 10;
export const LAST_LOGIN_TIMEOUT_SETTING = 'user.login.lastTimeout';
export const DEFAULT_LAST_LOGIN_TIMEOUT_MS = 1000;

export async function findAuthUserById(sql: SqlClient, id: number): Promise<AuthUser | null> {
  const { rows } = await sql.query<AuthUser>(`SELECT ${COLUMNS} FROM dh_user WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * The user with that exact login, row-locked until the transaction `tx` ends: concurrent logins
 * of one user run one after the other, so no failed attempt is lost.
 */
export async function lockAuthUserByLogin(tx: SqlClient, login: string): Promise<AuthUser | null> {
  const { rows } = await tx.query<AuthUser>(
    `SELECT ${COLUMNS} FROM dh_user WHERE login = $1 FOR UPDATE`,
    [login],
  );
  return rows[0] ?? null;
}

export async function setLoginAttempts(
  sql: SqlClient,
  userId: number,
  attempts: number,
  status: UserStatus,
): Promise<void> {
  await sql.query('UPDATE dh_user SET login_attempts = $2, status = $3 WHERE id = $1', [
    userId,
    attempts,
    status,
  ]);
}

/**
 * Sets lastLogin to `now` when it is null or older than `user.login.lastTimeout` ms (§3.8), in
 * one statement so concurrent sessions do not race.
 */
export async function touchLastLogin(sql: SqlClient, userId: number, now: Date): Promise<void> {
  const timeout = await readIntegerSetting(
    sql,
    LAST_LOGIN_TIMEOUT_SETTING,
    DEFAULT_LAST_LOGIN_TIMEOUT_MS,
  );
  await sql.query(
    `UPDATE dh_user SET last_login = $2
      WHERE id = $1 AND (last_login IS NULL OR last_login < $3)`,
    [userId, now, new Date(now.getTime() - timeout)],
  );
}

/** Ids of the networks and device types assigned to a user, ascending. */
export async function userAssignments(
  sql: SqlClient,
  userId: number,
): Promise<{ networkIds: number[]; deviceTypeIds: number[] }> {
  const networks = await sql.query<{ id: number }>(
    'SELECT network_id AS id FROM dh_user_network WHERE user_id = $1 ORDER BY network_id',
    [userId],
  );
  const deviceTypes = await sql.query<{ id: number }>(
    `SELECT device_type_id AS id FROM dh_user_device_type WHERE user_id = $1
      ORDER BY device_type_id`,
    [userId],
  );
  return {
    networkIds: networks.rows.map((row) => row.id),
    deviceTypeIds: deviceTypes.rows.map((row) => row.id),
  };
}
