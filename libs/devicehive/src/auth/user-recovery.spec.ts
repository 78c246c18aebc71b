import { UserStatus } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, adminPrincipal, useTestDeviceHive } from '../testing';
import { call, createTestUser, rejection } from '../testing/auth.fixtures';
import { setUserPassword, unlockUser } from './user-recovery';

// The operator's commands for a user who cannot log in (docs/security.md, "Login lockout").
describe('user recovery', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const core = useTestDeviceHive(kind);
    const sql = () => core().sql;
    const login = (l: string, p: string) => call(core(), 'token', { login: l, password: p });
    const row = async (id: number) =>
      (
        await sql().query<{
          status: number;
          attempts: number;
          lockedAt: Date | null;
          hash: string;
          salt: string | null;
        }>(
          `SELECT status, login_attempts AS attempts, locked_at AS "lockedAt",
                  password_hash AS hash, password_salt AS salt
             FROM dh_user WHERE id = $1`,
          [id],
        )
      ).rows[0];

    describe(unlockUser.name, () => {
      it('unlocks a user that failed attempts locked, who can then log in', async () => {
        await call(
          core(),
          'configuration/put',
          { name: 'user.login.maxAttempts', value: 2 },
          adminPrincipal(),
        );
        try {
          const user = await createTestUser(sql());
          await rejection(login(user.login, 'wrong-password'));
          await rejection(login(user.login, 'wrong-password'));
          await expect(row(user.id)).resolves.toMatchObject({
            status: UserStatus.LockedOut,
            lockedAt: expect.any(Date),
          });
          await expect(unlockUser(sql(), user.login)).resolves.toEqual({
            existed: true,
            previousStatus: UserStatus.LockedOut,
          });
          await expect(row(user.id)).resolves.toMatchObject({
            status: UserStatus.Active,
            attempts: 0,
            lockedAt: null,
          });
          await expect(login(user.login, 'secret-password')).resolves.toMatchObject({ body: {} });
        } finally {
          await call(
            core(),
            'configuration/delete',
            { name: 'user.login.maxAttempts' },
            adminPrincipal(),
          );
        }
      });

      it('activates a disabled user and reports that it was disabled', async () => {
        const user = await createTestUser(sql(), { status: UserStatus.Disabled });
        await expect(unlockUser(sql(), user.login)).resolves.toEqual({
          existed: true,
          previousStatus: UserStatus.Disabled,
        });
        await expect(login(user.login, 'secret-password')).resolves.toMatchObject({ body: {} });
      });

      it('clears the failed attempts of an active user', async () => {
        const user = await createTestUser(sql());
        await rejection(login(user.login, 'wrong-password'));
        await expect(unlockUser(sql(), user.login)).resolves.toEqual({
          existed: true,
          previousStatus: UserStatus.Active,
        });
        await expect(row(user.id)).resolves.toMatchObject({ attempts: 0 });
      });

      it('reports an unknown login (exact, case-sensitive) and changes nothing', async () => {
        await expect(unlockUser(sql(), 'no-such-user')).resolves.toEqual({
          existed: false,
          previousStatus: null,
        });
        await expect(unlockUser(sql(), 'DHADMIN')).resolves.toEqual({
          existed: false,
          previousStatus: null,
        });
      });
    });

    describe(setUserPassword.name, () => {
      it('stores the new password as scrypt and resets the failed attempts', async () => {
        const user = await createTestUser(sql(), { password: 'old-password' });
        await rejection(login(user.login, 'wrong-password'));
        await setUserPassword(sql(), user.login, 'new-password');
        await expect(row(user.id)).resolves.toMatchObject({
          hash: expect.stringMatching(/^\$scrypt\$ln=15,r=8,p=1\$/),
          salt: null,
          attempts: 0,
          status: UserStatus.Active,
        });
        await expect(login(user.login, 'new-password')).resolves.toMatchObject({ body: {} });
        await expect(rejection(login(user.login, 'old-password'))).resolves.toEqual({
          status: 401,
          message: 'Invalid credentials',
        });
      });

      it('leaves the status as it is (unlocking is unlockUser)', async () => {
        const user = await createTestUser(sql(), { status: UserStatus.LockedOut });
        await setUserPassword(sql(), user.login, 'new-password');
        await expect(row(user.id)).resolves.toMatchObject({ status: UserStatus.LockedOut });
      });

      it.each([
        ['5 characters', 'short'],
        ['129 characters', 'x'.repeat(129)],
        ['an empty password', ''],
      ])(
        'refuses %s with the rule user/update applies, keeping the old password',
        async (_case, password) => {
          const user = await createTestUser(sql());
          const before = await row(user.id);
          await expect(rejection(setUserPassword(sql(), user.login, password))).resolves.toEqual({
            status: 400,
            message: 'Password can contain only from 6 to 128 symbols!',
          });
          await expect(row(user.id)).resolves.toEqual(before);
        },
      );

      it('refuses an unknown login with a clear error', async () => {
        await expect(
          rejection(setUserPassword(sql(), 'no-such-user', 'new-password')),
        ).resolves.toEqual({
          status: 404,
          message: 'User with login = no-such-user not found',
        });
      });
    });
  });
});
