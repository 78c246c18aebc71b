import { DhError, PASSWORD_PATTERN, UserStatus } from '@dh-mqtt/protocol';
import type { SqlClient } from '../storage/sql-client.port';
import { hashNewPassword } from './password';

/*
 * Operator commands for a user who cannot log in (a command line tool calls these with direct
 * database access; they are not API actions). docs/security.md, "Login lockout".
 */

/** What {@link unlockUser} found. */
export interface UnlockOutcome {
  /** Whether a user with that login exists (nothing is changed when not). */
  existed: boolean;
  /** Its status before the unlock (0 ACTIVE, 1 LOCKED_OUT, 2 DISABLED); null when absent. */
  previousStatus: UserStatus | null;
}

/**
 * Makes the user with exactly that login ACTIVE with no failed attempts and no lock time,
 * whatever locked or disabled it. Resolves with whether it existed and its previous status.
 */
export async function unlockUser(sql: SqlClient, login: string): Promise<UnlockOutcome> {
  const { rows } = await sql.query<{ previousStatus: UserStatus }>(
    `UPDATE dh_user AS u
        SET status = $2, login_attempts = 0, locked_at = NULL,
            entity_version = u.entity_version + 1
       FROM (SELECT id, status FROM dh_user WHERE login = $1 FOR UPDATE) AS before
      WHERE u.id = before.id
      RETURNING before.status AS "previousStatus"`,
    [login, UserStatus.Active],
  );
  const row = rows[0];
  if (!row) return { existed: false, previousStatus: null };
  return { existed: true, previousStatus: row.previousStatus };
}

/**
 * Sets the password of the user with exactly that login: checked like `user/update` does (6–128
 * characters, else DhError `PASSWORD_VALIDATION_FAILED`), stored as scrypt, failed attempts
 * reset (the status is left as it is: see {@link unlockUser}). Unknown login ⇒ DhError
 * `USER_LOGIN_UNKNOWN` (`User with login = <login> not found`).
 */
export async function setUserPassword(
  sql: SqlClient,
  login: string,
  password: string,
): Promise<void> {
  // The API's password rule (docs/api/users.md), from the same pattern its DTO checks.
  if (!PASSWORD_PATTERN.test(password)) throw new DhError('PASSWORD_VALIDATION_FAILED');
  const hash = await hashNewPassword(password);
  const { rowCount } = await sql.query(
    `UPDATE dh_user
        SET password_hash = $2, password_salt = NULL, login_attempts = 0,
            entity_version = entity_version + 1
      WHERE login = $1`,
    [login, hash],
  );
  if (rowCount === 0) throw new DhError('USER_LOGIN_UNKNOWN', login);
}
