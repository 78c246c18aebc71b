import { UserStatus } from '@dh-mqtt/protocol';
import { REFERENCE_ADMIN_PASSWORD } from '../storage/bootstrap';
import type { SqlClient } from '../storage/sql-client.port';
import { verifyPassword } from './password';

/** Login of the bootstrap admin (docs/security.md, "Default admin password"). */
export const BOOTSTRAP_ADMIN_LOGIN = 'dhadmin';

/**
 * Whether the bootstrap admin can still log in with the published default password
 * (`dhadmin_#911`): it exists, is not DISABLED, and the password verifies against its stored
 * hash, whichever scheme holds it. Costs one password check (a scrypt); run at start only.
 */
export async function usesDefaultAdminPassword(sql: SqlClient): Promise<boolean> {
  const { rows } = await sql.query<{ hash: string | null; salt: string | null; status: number }>(
    `SELECT password_hash AS hash, password_salt AS salt, status FROM dh_user WHERE login = $1`,
    [BOOTSTRAP_ADMIN_LOGIN],
  );
  const admin = rows[0];
  if (admin === undefined || admin.status === UserStatus.Disabled) return false;
  return verifyPassword(REFERENCE_ADMIN_PASSWORD, admin.hash, admin.salt);
}

export interface DefaultAdminPasswordPolicy {
  /** The database is shared by a cluster (`DH_DATABASE_URL`), not the embedded PGlite. */
  shared: boolean;
  /** `DH_ALLOW_DEFAULT_ADMIN_PASSWORD`: start a shared database with the default anyway. */
  allowed: boolean;
}

/** Why a cluster process refuses to start; the message names the variable and the way out. */
export class DefaultAdminPasswordError extends Error {
  readonly variable = 'DH_ADMIN_PASSWORD';

  constructor() {
    super(
      `DH_ADMIN_PASSWORD is the published default (the bootstrap admin ${BOOTSTRAP_ADMIN_LOGIN} ` +
        'still has it), which a cluster database (DH_DATABASE_URL) refuses: change it with ' +
        `\`npx dh-mqtt user set-password ${BOOTSTRAP_ADMIN_LOGIN}\` (DH_ADMIN_PASSWORD only ` +
        'seeds a fresh database), or set DH_ALLOW_DEFAULT_ADMIN_PASSWORD=true to start anyway',
    );
    this.name = 'DefaultAdminPasswordError';
  }
}

/**
 * The start-time check of docs/security.md ("Default admin password"): resolves with whether the
 * default password is in use (the caller logs {@link DEFAULT_ADMIN_PASSWORD_WARNING} at every
 * start while it is), and rejects with {@link DefaultAdminPasswordError} on a shared database
 * unless explicitly allowed.
 */
export async function checkDefaultAdminPassword(
  sql: SqlClient,
  policy: DefaultAdminPasswordPolicy,
): Promise<boolean> {
  if (!(await usesDefaultAdminPassword(sql))) return false;
  if (policy.shared && !policy.allowed) throw new DefaultAdminPasswordError();
  return true;
}

/** The warning logged at every start while {@link checkDefaultAdminPassword} finds the default. */
export const DEFAULT_ADMIN_PASSWORD_WARNING =
  `the bootstrap admin ${BOOTSTRAP_ADMIN_LOGIN} still has the published default password: ` +
  `change it (user/update as ${BOOTSTRAP_ADMIN_LOGIN}, or \`npx dh-mqtt user set-password ` +
  `${BOOTSTRAP_ADMIN_LOGIN}\` while the server is stopped)`;
