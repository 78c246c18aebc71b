import { STORAGE_KINDS, openTestDatabase, useTestDatabase } from '../testing';
import { verifyPassword } from '../auth/password';
import type { SqlClient } from './sql-client.port';
import { SAMPLE_DEVICE_ID, seedBootstrapData } from './bootstrap';

// docs/api/README.md: the data a fresh database starts with.
describe(seedBootstrapData.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);

    it('creates the reference admin with the reference password hash', async () => {
      const { rows } = await db().query('SELECT * FROM dh_user');
      expect(rows).toEqual([
        {
          id: 1,
          login: 'dhadmin',
          password_hash: 'DFXFrZ8VQIkOYECScBbBwsYinj+o8IlaLsRQ81wO+l8=',
          password_salt: 'sjQbZgcCmFxqTV4CCmGwpIHO',
          role: 0,
          status: 0,
          login_attempts: 0,
          locked_at: null,
          last_login: null,
          data: null,
          intro_reviewed: false,
          all_device_types_available: true,
          entity_version: 0,
        },
      ]);
    });

    it('creates network 1, device types 1–8, the sample device and the admin assignments', async () => {
      const networks = await db().query('SELECT id, name, description FROM dh_network');
      expect(networks.rows).toEqual([
        { id: 1, name: 'Sample Network', description: 'A DeviceHive Sample Network' },
      ]);
      const types = await db().query<{ id: number; name: string }>(
        'SELECT id, name FROM dh_device_type ORDER BY id',
      );
      expect(types.rows.map((t) => [t.id, t.name])).toEqual([
        [1, 'Default Device Type'],
        [2, 'Cameras'],
        [3, 'Lightning'],
        [4, 'Door Locks'],
        [5, 'Thermostats'],
        [6, 'Entertainment'],
        [7, 'Cars'],
        [8, 'Cooking'],
      ]);
      const devices = await db().query(
        'SELECT id, name, data, network_id, device_type_id, is_blocked FROM dh_device',
      );
      expect(devices.rows).toEqual([
        {
          id: SAMPLE_DEVICE_ID,
          name: 'Sample Device',
          data: null,
          network_id: 1,
          device_type_id: 1,
          is_blocked: false,
        },
      ]);
      await expect(db().query('SELECT * FROM dh_user_network')).resolves.toMatchObject({
        rows: [{ user_id: 1, network_id: 1 }],
      });
      await expect(db().query('SELECT * FROM dh_user_device_type')).resolves.toMatchObject({
        rows: [{ user_id: 1, device_type_id: 1 }],
      });
    });

    it('stores user.login.lastTimeout = 1000 and no user.login.maxAttempts', async () => {
      const { rows } = await db().query('SELECT name, value FROM dh_configuration ORDER BY name');
      expect(rows).toEqual([{ name: 'user.login.lastTimeout', value: '1000' }]);
    });

    it('continues the id sequences after the fixed ids', async () => {
      const { rows } = await db().query<{ id: number }>(
        `INSERT INTO dh_device_type (name) VALUES ('after bootstrap') RETURNING id`,
      );
      expect(rows).toEqual([{ id: 9 }]);
    });

    it('does nothing on a database that already has users', async () => {
      await expect(seedBootstrapData(db())).resolves.toBe(false);
    });

    const adminPassword = async (sql: SqlClient) =>
      (
        await sql.query<{ hash: string; salt: string | null }>(
          'SELECT password_hash AS hash, password_salt AS salt FROM dh_user WHERE id = 1',
        )
      ).rows[0];

    it('stores a configured admin password as a scrypt hash', async () => {
      const sql = await openTestDatabase(kind, { adminPassword: 'another-password' });
      try {
        const admin = await adminPassword(sql);
        expect(admin).toEqual({
          hash: expect.stringMatching(/^\$scrypt\$ln=15,r=8,p=1\$/),
          salt: null,
        });
        await expect(verifyPassword('another-password', admin?.hash ?? '', null)).resolves.toBe(
          true,
        );
        await expect(verifyPassword('dhadmin_#911', admin?.hash ?? '', null)).resolves.toBe(false);
      } finally {
        await sql.close();
      }
    }, 60_000);

    it('keeps the reference hash when the configured password is the reference one', async () => {
      const sql = await openTestDatabase(kind, { adminPassword: 'dhadmin_#911' });
      try {
        await expect(adminPassword(sql)).resolves.toEqual({
          hash: 'DFXFrZ8VQIkOYECScBbBwsYinj+o8IlaLsRQ81wO+l8=',
          salt: 'sjQbZgcCmFxqTV4CCmGwpIHO',
        });
      } finally {
        await sql.close();
      }
    }, 60_000);
  });
});
