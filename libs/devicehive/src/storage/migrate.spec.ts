import { UserStatus } from '@dh-mqtt/protocol';
import { hashNewPassword } from '../auth/password';
import { loadMigrations, migrate } from './migrate';
import { STORAGE_KINDS, openTestDatabase } from '../testing';

describe(migrate.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    it('applies every migration once and is idempotent on a second start', async () => {
      const sql = await openTestDatabase(kind);
      try {
        expect(await migrate(sql)).toEqual([]);
        const { rows } = await sql.query<{ login: string }>(
          'SELECT login FROM dh_user WHERE id = 1',
        );
        expect(rows).toEqual([{ login: 'dhadmin' }]);
      } finally {
        await sql.close();
      }
    });

    it('upgrades a database of 0003: users keep their data, old locks get no lock time, scrypt hashes fit', async () => {
      const sql = await openTestDatabase(kind);
      try {
        // A second, empty schema in the same database, used for the rest of the transaction.
        await sql.transaction(async (tx) => {
          await tx.exec('CREATE SCHEMA upgrade_probe; SET LOCAL search_path TO upgrade_probe');
          const migrations = loadMigrations();
          const before = migrations.filter((m) => m.id < '0004');
          expect(await migrate(tx, before)).toEqual(before.map((m) => m.id));
          await tx.query(
            `INSERT INTO dh_user (login, password_hash, password_salt, role, status, login_attempts)
             VALUES ('old-lock', $1, 'salt', 1, $2, 0)`,
            ['h'.repeat(44), UserStatus.LockedOut],
          );
          expect(await migrate(tx, migrations)).toEqual(['0004-user-lockout-and-password-hash']);
          const { rows } = await tx.query(
            `SELECT login, password_hash, status, locked_at FROM dh_user WHERE login = 'old-lock'`,
          );
          expect(rows).toEqual([
            {
              login: 'old-lock',
              password_hash: 'h'.repeat(44),
              status: UserStatus.LockedOut,
              locked_at: null,
            },
          ]);
          const hash = await hashNewPassword('fits-the-column');
          await tx.query(`UPDATE dh_user SET password_hash = $1 WHERE login = 'old-lock'`, [hash]);
          await tx.exec('DROP SCHEMA upgrade_probe CASCADE');
        });
      } finally {
        await sql.close();
      }
    }, 60_000);
  });
});
