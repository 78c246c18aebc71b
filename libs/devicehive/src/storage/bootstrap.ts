import { hashNewPassword, hashPassword } from '../auth/password';
import type { SqlClient } from './sql-client.port';

/**
 * The reference admin's salt and default password (docs/api/README.md): its stored hash matches the
 * reference.
 */
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
 * The admin's stored password: the reference hash and salt for the reference password (so the
 * row matches the reference until the first login rehashes it), else a scrypt hash.
 */
async function adminPasswordColumns(password: string): Promise<[string, string | null]> {
  if (password === REFERENCE_ADMIN_PASSWORD) {
    return [hashPassword(password, REFERENCE_ADMIN_SALT), REFERENCE_ADMIN_SALT];
  }
  return [await hashNewPassword(password), null];
}

/**
 * Inserts the bootstrap data of docs/api/README.md into a fresh database (no users yet).
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
    await tx.query(
      `INSERT INTO dh_user (id, login, password_hash, password_salt, role, status, login_attempts,
         last_login, data, intro_reviewed, all_device_types_available)
       VALUES (1, 'dhadmin', $1, $2, 0, 0, 0, NULL, NULL, FALSE, TRUE)`,
      await adminPasswordColumns(options.adminPassword || REFERENCE_ADMIN_PASSWORD),
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
