import { createHash, randomBytes } from 'node:crypto';
import type { SqlClient } from './sql-client.port';

/** The reference password scheme (devicehive-api.md §2.1): Base64(SHA-256(salt + password)). */
export function hashPassword(password: string, salt: string): string {
  return createHash('sha256')
    .update(salt + password, 'utf8')
    .digest('base64');
}

/** A fresh salt: Base64 of 18 random bytes, like the reference. */
export function newSalt(): string {
  return randomBytes(18).toString('base64');
}

/** The reference admin's salt and default password (§7): its stored hash matches the reference. */
export const REFERENCE_ADMIN_SALT = 'sjQbZgcCmFxqTV4CCmGwpIHO';
export const REFERENCE_ADMIN_PASSWORD = 'dhadmin_#911';
export const SAMPLE_DEVICE_ID = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

const DEVICE_TYPES: ReadonlyArray<[number, string, string]> = [
  [1, 'Default Device Type', 'Default DeviceHive device type'],
  [2, 'Cameras', 'Cameras, video recorders and other video devices'],
  [3, 'Lightning', 'Lamps, light bulbs and other lighting devices'],
  [4, 'Door Locks', 'Smart door locks and access control devices'],
  [5, 'Thermostats', 'Thermostats and climate control devices'],
  [6, 'Entertainment', 'TVs, speakers and other entertainment devices'],
  [7, 'Cars', 'Cars and other vehicles'],
  [8, 'Cooking', 'Ovens, kettles and other kitchen devices'],
];

export interface BootstrapOptions {
  /** Password of the admin on a fresh database; default the reference one (DH_ADMIN_PASSWORD). */
  adminPassword?: string;
}

/**
 * Inserts the bootstrap data of devicehive-api.md §7 into a fresh database (no users yet).
 * Returns false, touching nothing, when the database already holds data. Sequences are moved past
 * the fixed ids so later inserts get 2, 9, ...
 */
export async function seedBootstrapData(
  sql: SqlClient,
  options: BootstrapOptions = {},
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4242002)');
    const { rows } = await tx.query<{ n: string }>('SELECT count(*)::text AS n FROM dh_user');
    if (rows[0]?.n !== '0') return false;
    const password = options.adminPassword ?? REFERENCE_ADMIN_PASSWORD;
    const salt = options.adminPassword ? newSalt() : REFERENCE_ADMIN_SALT;
    await tx.query(
      `INSERT INTO dh_user (id, login, password_hash, password_salt, role, status, login_attempts,
         last_login, data, intro_reviewed, all_device_types_available)
       VALUES (1, 'dhadmin', $1, $2, 0, 0, 0, NULL, NULL, FALSE, TRUE)`,
      [hashPassword(password, salt), salt],
    );
    await tx.query(
      `INSERT INTO dh_network (id, name, description)
       VALUES (1, 'Sample Network', 'A DeviceHive Sample Network')`,
    );
    for (const [id, name, description] of DEVICE_TYPES) {
      await tx.query('INSERT INTO dh_device_type (id, name, description) VALUES ($1, $2, $3)', [
        id,
        name,
        description,
      ]);
    }
    await tx.query('INSERT INTO dh_user_network (user_id, network_id) VALUES (1, 1)');
    await tx.query('INSERT INTO dh_user_device_type (user_id, device_type_id) VALUES (1, 1)');
    await tx.query(
      `INSERT INTO dh_device (id, name, data, network_id, device_type_id, is_blocked)
       VALUES ($1, 'Sample Device', NULL, 1, 1, FALSE)`,
      [SAMPLE_DEVICE_ID],
    );
    await tx.query(
      `INSERT INTO dh_configuration (name, value, entity_version)
       VALUES ('user.login.lastTimeout', '1000', 0)`,
    );
    for (const table of ['dh_user', 'dh_network', 'dh_device_type']) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`,
      );
    }
    return true;
  });
}
