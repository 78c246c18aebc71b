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

/** The Base64 alphabet's values; `=` is the pad marker (127, as in the reference), else -1. */
const PAD = 127;
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  if (code === 43) return 62; // +
  if (code === 47) return 63; // /
  if (code === 61) return PAD; // =
  return -1;
}

/**
 * The HMAC key of a secret, derived exactly as a DeviceHive Java server derives it, so that the
 * same `DH_JWT_SECRET` signs interchangeable tokens (docs/api/README.md, "JWT"). The reference
 * reads the secret as Base64 with the lenient decoder of its JVM (jjwt 0.7 on JAXB's
 * `DatatypeConverter`): characters outside `A-Za-z0-9+/=` are skipped, every complete group of
 * four is decoded (a `=` in the third or fourth place drops that output byte), and an incomplete
 * final group is dropped. So `devicehive` gives the 6 bytes `75ebe271e862` where Node's
 * `Buffer.from(s, 'base64')` gives 7. Where that decoder fails (a non-ASCII character, stray
 * padding that overruns its size guess, a lone `=`), or the key is empty, the reference cannot
 * sign at all; this throws, and the secret is refused at start.
 */
export function jwtKey(secret: string): Uint8Array {
  if (secret === lastKey.secret) return lastKey.key;
  const key = decodeLikeReference(secret);
  lastKey = { secret, key };
  return key;
}

/** Every token signed or verified derives the key: keep the last one. */
let lastKey: { secret: string | undefined; key: Uint8Array } = {
  secret: undefined,
  key: new Uint8Array(),
};

function decodeLikeReference(secret: string): Uint8Array {
  const values: number[] = [];
  for (let i = 0; i < secret.length; i++) {
    const code = secret.charCodeAt(i);
    if (code > 127) throw new Error('a non-ASCII character');
    const v = sextet(code);
    if (v >= 0) values.push(v);
  }
  // The reference sizes its output from the trailing padding before decoding; overrunning that
  // size, or a negative size, is an error there.
  const trailing = secret.length - secret.replace(/=+$/, '').length;
  const last = secret.replace(/=+$/, '').slice(-1);
  const exact = trailing <= 2 && (last === '' || sextet(last.charCodeAt(0)) >= 0);
  const size = Math.floor(secret.length / 4) * 3 - (exact ? trailing : 0);
  const out: number[] = [];
  for (let g = 0; g + 4 <= values.length; g += 4) {
    const [a, b, c, d] = values.slice(g, g + 4) as [number, number, number, number];
    // A pad in the first or second place takes part as its marker value, as in the reference.
    out.push(((a << 2) | (b >> 4)) & 0xff);
    if (c !== PAD) out.push(((b << 4) | (c >> 2)) & 0xff);
    if (d !== PAD) out.push(((c << 6) | d) & 0xff);
  }
  if (size < 0 || out.length > size) throw new Error('padding the reference cannot decode');
  if (out.length === 0) throw new Error('no key bytes');
  return new Uint8Array(out);
}

function checkSecret(secret: string): string {
  let reason = secret.length > 128 ? 'longer than 128 characters' : '';
  if (!reason) {
    try {
      jwtKey(secret);
    } catch (e) {
      reason = (e as Error).message;
    }
  }
  if (reason) {
    throw new Error(
      `DH_JWT_SECRET must be a Base64 string of at most 128 characters that decodes to a key, as a DeviceHive server reads it (${reason})`,
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
