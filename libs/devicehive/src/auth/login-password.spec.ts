import { UserRole } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, adminPrincipal, useTestDeviceHive } from '../testing';
import { call, createTestUser, rejection } from '../testing/auth.fixtures';
import { verifyPassword } from './password';

const REFERENCE_ADMIN = {
  password: 'dhadmin_#911',
  hash: 'DFXFrZ8VQIkOYECScBbBwsYinj+o8IlaLsRQ81wO+l8=',
  salt: 'sjQbZgcCmFxqTV4CCmGwpIHO',
};
const SCRYPT = /^\$scrypt\$ln=15,r=8,p=1\$/;

// docs/adr/0007-password-storage.md: reference hashes keep verifying and are replaced by scrypt
// at the first successful login; new passwords are scrypt.
describe('login with stored password hashes', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const core = useTestDeviceHive(kind);
    const admin = adminPrincipal();
    const login = (l: string, p: string) => call(core(), 'token', { login: l, password: p });
    const stored = async (id: number) =>
      (
        await core().sql.query<{ hash: string; salt: string | null; attempts: number }>(
          `SELECT password_hash AS hash, password_salt AS salt, login_attempts AS attempts
             FROM dh_user WHERE id = $1`,
          [id],
        )
      ).rows[0];

    it('keeps the reference hash of the bootstrap admin until its first successful login', async () => {
      await expect(stored(1)).resolves.toEqual({
        hash: REFERENCE_ADMIN.hash,
        salt: REFERENCE_ADMIN.salt,
        attempts: 0,
      });
      await expect(rejection(login('dhadmin', 'not-the-password'))).resolves.toEqual({
        status: 401,
        message: 'Invalid credentials',
      });
      await expect(stored(1)).resolves.toMatchObject({ hash: REFERENCE_ADMIN.hash, attempts: 1 });
      await expect(login('dhadmin', REFERENCE_ADMIN.password)).resolves.toMatchObject({
        body: { accessToken: expect.any(String) },
      });
      const after = await stored(1);
      expect(after).toEqual({ hash: expect.stringMatching(SCRYPT), salt: null, attempts: 0 });
      await expect(verifyPassword(REFERENCE_ADMIN.password, after?.hash ?? '', null)).resolves.toBe(
        true,
      );
    });

    it('rehashes a legacy hash on success; the same password works after, a wrong one still fails and counts', async () => {
      const user = await createTestUser(core().sql, { password: 'legacy-pass' });
      const legacy = await stored(user.id);
      expect(legacy?.hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(legacy?.salt).toEqual(expect.any(String));

      await expect(login(user.login, 'legacy-pass')).resolves.toMatchObject({ body: {} });
      const rehashed = await stored(user.id);
      expect(rehashed).toEqual({ hash: expect.stringMatching(SCRYPT), salt: null, attempts: 0 });

      await expect(login(user.login, 'legacy-pass')).resolves.toMatchObject({ body: {} });
      await expect(stored(user.id)).resolves.toEqual(rehashed); // no second rehash
      await expect(rejection(login(user.login, 'legacy-pasS'))).resolves.toEqual({
        status: 401,
        message: 'Invalid credentials',
      });
      await expect(stored(user.id)).resolves.toEqual({ ...rehashed, attempts: 1 });
    });

    it('does not rehash a legacy hash on a wrong password', async () => {
      const user = await createTestUser(core().sql, { password: 'legacy-pass' });
      const legacy = await stored(user.id);
      await rejection(login(user.login, 'wrong-password'));
      await expect(stored(user.id)).resolves.toEqual({ ...legacy, attempts: 1 });
    });

    it('lets concurrent logins of a legacy user all succeed while one rehashes', async () => {
      const user = await createTestUser(core().sql, { password: 'legacy-pass' });
      const outcomes = await Promise.all(
        Array.from({ length: 4 }, () => login(user.login, 'legacy-pass')),
      );
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ body: { accessToken: expect.any(String) } });
      }
      await expect(stored(user.id)).resolves.toMatchObject({ hash: expect.stringMatching(SCRYPT) });
    });

    it('gives users created through user/insert a scrypt hash they log in with', async () => {
      const { body } = await call(
        core(),
        'user/insert',
        { user: { login: `scrypt-${kind}`, role: UserRole.Client, password: 'fresh-pass' } },
        admin,
      );
      const id = (body['user'] as { id: number }).id;
      await expect(stored(id)).resolves.toEqual({
        hash: expect.stringMatching(SCRYPT),
        salt: null,
        attempts: 0,
      });
      await expect(login(`scrypt-${kind}`, 'fresh-pass')).resolves.toMatchObject({ body: {} });
      await expect(rejection(login(`scrypt-${kind}`, 'fresh-pasS'))).resolves.toMatchObject({
        status: 401,
      });
    });

    it('lets a user log in with a password changed through user/update (and not the old one)', async () => {
      const user = await createTestUser(core().sql, { password: 'legacy-pass' });
      await call(
        core(),
        'user/update',
        { userId: user.id, user: { password: 'changed-pass' } },
        admin,
      );
      await expect(stored(user.id)).resolves.toMatchObject({ hash: expect.stringMatching(SCRYPT) });
      await expect(login(user.login, 'changed-pass')).resolves.toMatchObject({ body: {} });
      await expect(rejection(login(user.login, 'legacy-pass'))).resolves.toMatchObject({
        status: 401,
        message: 'Invalid credentials',
      });
    });

    it('spends about a scrypt on an unknown login, like on a wrong password', async () => {
      const user = await createTestUser(core().sql, { password: 'timed-pass' });
      await login(user.login, 'timed-pass'); // now a scrypt hash
      const elapsed = async (l: string) => {
        const started = process.hrtime.bigint();
        await rejection(login(l, 'wrong-password'));
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const known = Math.min(await elapsed(user.login), await elapsed(user.login));
      const unknown = await elapsed(`nobody-${kind}`);
      // Scheduling can only add time; without the dummy hash the unknown login takes ~1 ms.
      expect(unknown).toBeGreaterThan(known / 2);
    });
  });
});
