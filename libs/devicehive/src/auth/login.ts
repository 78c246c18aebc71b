import { DhError, UserStatus } from '@dh-mqtt/protocol';
import { readIntegerSetting } from '../repositories/configuration.repository';
import type { SqlClient } from '../storage/sql-client.port';
import {
  DEFAULT_LOCK_TIMEOUT_SECONDS,
  DEFAULT_MAX_LOGIN_ATTEMPTS,
  findAuthUserByLogin,
  LOCK_TIMEOUT_SETTING,
  lockAuthUserById,
  MAX_LOGIN_ATTEMPTS_SETTING,
  setLoginState,
  setPasswordHash,
  touchLastLogin,
  type AuthUser,
} from './auth-user.repository';
import { hashNewPassword, needsRehash, spendPasswordCheck, verifyPassword } from './password';

/** How long a lock from failed attempts lasts, in ms; 0 = it never expires. */
async function lockTimeoutMs(sql: SqlClient): Promise<number> {
  const seconds = await readIntegerSetting(sql, LOCK_TIMEOUT_SETTING, DEFAULT_LOCK_TIMEOUT_SECONDS);
  return seconds > 0 ? seconds * 1000 : 0;
}

/**
 * Whether a LOCKED_OUT user was locked by failed attempts (`lockedAt` set) long enough ago. A user
 * an admin locked or disabled has no `lockedAt` and stays so.
 */
function lockExpired(user: AuthUser, now: Date, timeoutMs: number): boolean {
  return (
    user.status === UserStatus.LockedOut &&
    user.lockedAt != null &&
    timeoutMs > 0 &&
    now.getTime() - user.lockedAt.getTime() >= timeoutMs
  );
}

/** Whether the password of this user may be checked: ACTIVE, or its lock has expired. */
async function mayTry(sql: SqlClient, user: AuthUser, now: Date): Promise<boolean> {
  if (user.status === UserStatus.Active) return true;
  if (user.status !== UserStatus.LockedOut || user.lockedAt == null) return false;
  return lockExpired(user, now, await lockTimeoutMs(sql)); // read only when it matters
}

/**
 * For the token paths (`authenticate`, `token/refresh`, `token/create`): a user whose lock from
 * failed attempts has expired is unlocked (ACTIVE, attempts 0, no lock time) and returned so;
 * anyone else is returned as read. Without this a client that only uses tokens would stay locked
 * out until someone logged in with the password.
 */
export async function liftExpiredLock(
  sql: SqlClient,
  user: AuthUser,
  now: Date,
): Promise<AuthUser> {
  if (user.status !== UserStatus.LockedOut || user.lockedAt == null) return user;
  const timeoutMs = await lockTimeoutMs(sql);
  if (!lockExpired(user, now, timeoutMs)) return user;
  // The condition is checked again by the statement: a lock taken meanwhile is kept.
  const { rowCount } = await sql.query(
    `UPDATE dh_user SET status = $2, login_attempts = 0, locked_at = NULL
      WHERE id = $1 AND status = $3 AND locked_at IS NOT NULL AND locked_at <= $4`,
    [user.id, UserStatus.Active, UserStatus.LockedOut, new Date(now.getTime() - timeoutMs)],
  );
  return rowCount > 0
    ? { ...user, status: UserStatus.Active, loginAttempts: 0, lockedAt: null }
    : user;
}

/** The password check of one attempt, done before the row is locked. */
interface Verdict {
  user: AuthUser;
  matches: boolean;
  /** A `$scrypt$` hash of the password to store instead of a legacy or weaker one. */
  rehash: string | null;
}

/** The row changed between the check and the lock (password or login changed): check again. */
const STALE = Symbol('stale');

/**
 * Records the outcome of a checked attempt on the row-locked user: expired lock lifted, failed
 * attempt counted (and the lock taken at `user.login.maxAttempts`), or success (attempts reset,
 * legacy hash replaced, lastLogin refreshed).
 */
async function record(
  tx: SqlClient,
  verdict: Verdict,
  now: Date,
): Promise<AuthUser | DhError | typeof STALE> {
  const user = await lockAuthUserById(tx, verdict.user.id);
  if (
    user == null ||
    user.login !== verdict.user.login ||
    user.passwordHash !== verdict.user.passwordHash ||
    user.passwordSalt !== verdict.user.passwordSalt
  ) {
    return STALE;
  }
  if (!(await mayTry(tx, user, now))) return new DhError('USER_NOT_ACTIVE');
  // An expired lock is lifted; the password then counts like any other attempt.
  const attempts = user.status === UserStatus.Active ? user.loginAttempts : 0;
  if (!verdict.matches) {
    const max = await readIntegerSetting(
      tx,
      MAX_LOGIN_ATTEMPTS_SETTING,
      DEFAULT_MAX_LOGIN_ATTEMPTS,
    );
    const failed = attempts + 1;
    await setLoginState(
      tx,
      user.id,
      failed >= max
        ? { attempts: 0, status: UserStatus.LockedOut, lockedAt: now }
        : { attempts: failed, status: UserStatus.Active, lockedAt: null },
    );
    return new DhError('INCORRECT_CREDENTIALS');
  }
  if (user.status !== UserStatus.Active || user.loginAttempts !== 0 || user.lockedAt != null) {
    await setLoginState(tx, user.id, { attempts: 0, status: UserStatus.Active, lockedAt: null });
  }
  if (verdict.rehash != null) await setPasswordHash(tx, user.id, verdict.rehash);
  await touchLastLogin(tx, user.id, now);
  return {
    ...user,
    status: UserStatus.Active,
    loginAttempts: 0,
    lockedAt: null,
    ...(verdict.rehash != null && { passwordHash: verdict.rehash, passwordSalt: null }),
  };
}

/** Stale rows in a row before the attempt is answered 401 without being counted. */
const MAX_CHECKS = 3;

/**
 * Checks a login and password (`token`, and the login of an MQTT CONNECT; docs/security.md):
 * - unknown login ⇒ 401 `User with login = <login> not found or bad password`, after a dummy
 *   scrypt so that it takes as long as a wrong password;
 * - user not ACTIVE ⇒ 401 `User is locked or disabled` (checked before the password), unless
 *   failed attempts locked it more than `user.login.lockTimeout` seconds ago (default 900; 0 =
 *   never): then it is unlocked (ACTIVE, attempts 0) and the password is checked normally;
 * - wrong password ⇒ attempts + 1, LOCKED_OUT (attempts back to 0, `locked_at` = now) when they
 *   reach `user.login.maxAttempts` (default 10); the count is committed, then 401
 *   `Invalid credentials`;
 * - success ⇒ attempts reset, a legacy (reference SHA-256) hash replaced by scrypt, lastLogin
 *   refreshed (`user.login.lastTimeout`); resolves with the user.
 *
 * The password is hashed before the row is locked, outside any transaction: scrypt takes tens of
 * ms, and a transaction would hold a connection that long (PGlite has only one). The outcome is
 * then recorded on the locked row, if it still has the hash that was checked.
 */
export async function checkCredentials(
  sql: SqlClient,
  login: string,
  password: string,
  now: Date,
): Promise<AuthUser> {
  for (let check = 1; ; check++) {
    const user = await findAuthUserByLogin(sql, login);
    if (user == null) {
      await spendPasswordCheck(password);
      throw new DhError('USER_LOGIN_NOT_FOUND', login);
    }
    if (!(await mayTry(sql, user, now))) throw new DhError('USER_NOT_ACTIVE');
    const matches = await verifyPassword(password, user.passwordHash, user.passwordSalt);
    const rehash =
      matches && needsRehash(user.passwordHash) ? await hashNewPassword(password) : null;
    const outcome = await sql.transaction((tx) => record(tx, { user, matches, rehash }, now));
    if (outcome === STALE) {
      if (check < MAX_CHECKS) continue;
      throw new DhError('INCORRECT_CREDENTIALS');
    }
    // Thrown after the commit: a failed attempt must be counted although the call fails.
    if (outcome instanceof DhError) throw outcome;
    return outcome;
  }
}
