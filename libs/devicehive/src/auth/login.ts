import { timingSafeEqual } from 'node:crypto';
import { DhError, UserStatus } from '@dh-mqtt/protocol';
import { readIntegerSetting } from '../repositories/configuration.repository';
import { hashPassword } from '../storage/bootstrap';
import type { SqlClient } from '../storage/sql-client.port';
import {
  DEFAULT_MAX_LOGIN_ATTEMPTS,
  lockAuthUserByLogin,
  MAX_LOGIN_ATTEMPTS_SETTING,
  setLoginAttempts,
  touchLastLogin,
  type AuthUser,
} from './auth-user.repository';

function passwordMatches(user: AuthUser, password: string): boolean {
  if (user.passwordHash == null || user.passwordSalt == null) return false;
  const expected = Buffer.from(user.passwordHash);
  const actual = Buffer.from(hashPassword(password, user.passwordSalt));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Checks a login and password (devicehive-api.md §3.8, §4.1 `token`), in one transaction with
 * the user row locked:
 * - unknown login ⇒ 401 `User with login = <login> not found or bad password`;
 * - user not ACTIVE ⇒ 401 `User is locked or disabled` (checked before the password);
 * - wrong password ⇒ attempts + 1, LOCKED_OUT (attempts back to 0) when they reach
 *   `user.login.maxAttempts` (default 10); the count is committed, then 401 `Invalid credentials`;
 * - success ⇒ attempts reset, lastLogin refreshed (§3.8 rule); resolves with the user.
 */
export async function checkCredentials(
  sql: SqlClient,
  login: string,
  password: string,
  now: Date,
): Promise<AuthUser> {
  const outcome = await sql.transaction(async (tx): Promise<AuthUser | DhError> => {
    const user = await lockAuthUserByLogin(tx, login);
    if (user == null) return new DhError('USER_LOGIN_NOT_FOUND', login);
    if (user.status !== UserStatus.Active) return new DhError('USER_NOT_ACTIVE');
    if (!passwordMatches(user, password)) {
      const max = await readIntegerSetting(
        tx,
        MAX_LOGIN_ATTEMPTS_SETTING,
        DEFAULT_MAX_LOGIN_ATTEMPTS,
      );
      const attempts = user.loginAttempts + 1;
      if (attempts >= max) await setLoginAttempts(tx, user.id, 0, UserStatus.LockedOut);
      else await setLoginAttempts(tx, user.id, attempts, user.status);
      return new DhError('INCORRECT_CREDENTIALS');
    }
    if (user.loginAttempts !== 0) await setLoginAttempts(tx, user.id, 0, user.status);
    await touchLastLogin(tx, user.id, now);
    return user;
  });
  // Thrown after the commit: a failed attempt must be counted although the call fails.
  if (outcome instanceof DhError) throw outcome;
  return outcome;
}
