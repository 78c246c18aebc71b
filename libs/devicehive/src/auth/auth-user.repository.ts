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
  /** When failed attempts locked the user (null: not locked, or locked by an admin). */
  lockedAt: Date | null;
  allDeviceTypesAvailable: boolean;
}

const COLUMNS = `id, login, role, status, password_hash AS "passwordHash",
  password_salt AS "passwordSalt", login_attempts AS "loginAttempts", locked_at AS "lockedAt",
  all_device_types_available AS "allDeviceTypesAvailable"`;

/** Login settings (docs/security.md, "Login lockout") and their defaults. */
export const MAX_LOGIN_ATTEMPTS_SETTING = 'user.login.maxAttempts';
export const DEFAULT_MAX_LOGIN_ATTEMPTS = 10;
export const LAST_LOGIN_TIMEOUT_SETTING = 'user.login.lastTimeout';
export const DEFAULT_LAST_LOGIN_TIMEOUT_MS = 1000;
/** Seconds after which a lock from failed attempts expires; 0 (or less) = never. */
export const LOCK_TIMEOUT_SETTING = 'user.login.lockTimeout';
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 900;

export async function findAuthUserById(sql: SqlClient, id: number): Promise<AuthUser | null> {
  const { rows } = await sql.query<AuthUser>(`SELECT ${COLUMNS} FROM dh_user WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The user with exactly that login (case-sensitive), not locked. */
export async function findAuthUserByLogin(sql: SqlClient, login: string): Promise<AuthUser | null> {
  const { rows } = await sql.query<AuthUser>(`SELECT ${COLUMNS} FROM dh_user WHERE login = $1`, [
    login,
  ]);
  return rows[0] ?? null;
}

/**
 * The user row-locked until the transaction `tx` ends: concurrent logins of one user record
 * their outcome one after the other, so no failed attempt is lost.
 */
export async function lockAuthUserById(tx: SqlClient, id: number): Promise<AuthUser | null> {
  const { rows } = await tx.query<AuthUser>(
    `SELECT ${COLUMNS} FROM dh_user WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/** The login bookkeeping columns; `lockedAt` is set when failed attempts lock the user. */
export async function setLoginState(
  sql: SqlClient,
  userId: number,
  state: { attempts: number; status: UserStatus; lockedAt: Date | null },
): Promise<void> {
  await sql.query(
    'UPDATE dh_user SET login_attempts = $2, status = $3, locked_at = $4 WHERE id = $1',
    [userId, state.attempts, state.status, state.lockedAt],
  );
}

/** Replaces a password hash (a rehash on login); the salt column is not used by scrypt hashes. */
export async function setPasswordHash(sql: SqlClient, userId: number, hash: string): Promise<void> {
  await sql.query('UPDATE dh_user SET password_hash = $2, password_salt = NULL WHERE id = $1', [
    userId,
    hash,
  ]);
}

/**
 * Sets lastLogin to `now` when it is null or older than `user.login.lastTimeout` ms
 * (docs/api/README.md), in one statement so concurrent sessions do not race.
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
