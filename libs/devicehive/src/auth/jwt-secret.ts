import { randomBytes } from 'node:crypto';
import type { SqlClient } from '../storage/sql-client.port';

/** Configuration row holding the signing secret (docs/security.md, "Secret settings"). */
export const JWT_SECRET_SETTING = 'jwt.secret';

/**
 * Configuration rows that are secrets: `configuration/get`, `put` and `delete` answer 403
 * `CONFIG_SECRET` for them (whoever read the JWT secret could sign tokens for any user). Matched
 * exactly as stored: names are compared with `=` in a deterministic collation, so `JWT.secret` or
 * ` jwt.secret` are other rows, which nothing reads as a secret. Add a name here when a new
 * setting holds a secret.
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([JWT_SECRET_SETTING]);

/** Whether a configuration name is one of {@link SECRET_SETTINGS}. */
export function isSecretSetting(name: string): boolean {
  return SECRET_SETTINGS.has(name);
}

/**
 * A new secret like the reference's: a random 130-bit number rendered in base 32 (digits and
 * a–v, at most 26 characters).
 */
export function generateJwtSecret(): string {
  const bits = BigInt(`0x${randomBytes(17).toString('hex')}`) & ((1n << 130n) - 1n);
  return bits.toString(32);
}

/**
 * The HMAC key of a secret. Interop with the reference (jjwt 0.7): the secret string is read as
 * Base64 and the decoded bytes are the key (docs/api/README.md).
 */
export function jwtKey(secret: string): Uint8Array {
  return new Uint8Array(Buffer.from(secret, 'base64'));
}

function checkSecret(secret: string): string {
  if (secret.length > 128 || jwtKey(secret).length === 0) {
    throw new Error(
      'DH_JWT_SECRET must be a Base64 string of at most 128 characters (the key is its decoded bytes)',
    );
  }
  return secret;
}

/**
 * Resolves the signing secret at start (docs/api/README.md): a `given` secret (DH_JWT_SECRET) is
 * stored as configuration `jwt.secret` and used; else the stored value; else a generated one is
 * stored. Concurrent starts agree on one stored secret (first insert wins). The secret is never
 * logged.
 */
export async function resolveJwtSecret(sql: SqlClient, given?: string): Promise<string> {
  if (given) {
    await sql.query(
      `INSERT INTO dh_configuration (name, value, entity_version) VALUES ($1, $2, 0)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value,
         entity_version = dh_configuration.entity_version + 1
       WHERE dh_configuration.value <> EXCLUDED.value`,
      [JWT_SECRET_SETTING, checkSecret(given)],
    );
    return given;
  }
  await sql.query(
    `INSERT INTO dh_configuration (name, value, entity_version) VALUES ($1, $2, 0)
     ON CONFLICT (name) DO NOTHING`,
    [JWT_SECRET_SETTING, generateJwtSecret()],
  );
  const { rows } = await sql.query<{ value: string }>(
    'SELECT value FROM dh_configuration WHERE name = $1',
    [JWT_SECRET_SETTING],
  );
  return checkSecret(rows[0]?.value ?? '');
}
