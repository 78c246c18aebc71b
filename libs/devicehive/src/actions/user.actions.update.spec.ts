import type { JsonObject } from '@dh-mqtt/protocol';
import { verifyPassword } from '../auth/password';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { clientPrincipal, userActionHarness } from '../testing/user-actions.fixtures';

describe('userActions: user/update and user/updateCurrent', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);
    const { call, rejects, storedPassword, insertUser } = userActionHarness(db);

    const getUser = async (userId: number) =>
      (await call('user/get', { userId }))['user'] as JsonObject;

    describe('user/update', () => {
      it('changes only the given fields and always replaces data', async () => {
        const { id, login } = await insertUser({ data: { old: true }, introReviewed: true });
        const before = await storedPassword(id);
        expect(await call('user/update', { userId: id, user: { role: 0, status: 1 } })).toEqual({});
        expect(await getUser(id)).toMatchObject({
          login,
          role: 0,
          status: 1,
          introReviewed: true,
          // docs/api/users.md: `data` is replaced even when omitted (reference quirk)
          data: null,
        });
        expect(await storedPassword(id)).toEqual(before);
      });

      it('trims a new login and stores the given data', async () => {
        const { id } = await insertUser();
        const login = `renamed_${id}`;
        await call('user/update', { userId: id, user: { login: ` ${login} `, data: { v: 2 } } });
        expect(await getUser(id)).toMatchObject({ login, data: { v: 2 } });
      });

      it('accepts the user keeping its own login', async () => {
        const { id, login } = await insertUser();
        await call('user/update', { userId: id, user: { login, introReviewed: true } });
        expect(await getUser(id)).toMatchObject({ login, introReviewed: true });
      });

      it('stores a new password as a fresh scrypt hash', async () => {
        const { id } = await insertUser();
        const before = await storedPassword(id);
        await call('user/update', { userId: id, user: { password: 'another-secret' } });
        const after = await storedPassword(id);
        expect(after.password_hash).not.toBe(before.password_hash);
        expect(after.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
        expect(after.password_salt).toBeNull();
        await expect(verifyPassword('another-secret', after.password_hash, null)).resolves.toBe(
          true,
        );
        await expect(verifyPassword('secret1', after.password_hash, null)).resolves.toBe(false);
      });

      it('keeps the password when the new one is empty', async () => {
        const { id } = await insertUser();
        const before = await storedPassword(id);
        await call('user/update', { userId: id, user: { password: '' } });
        expect(await storedPassword(id)).toEqual(before);
      });

      it('lets an admin restrict the device types through the update', async () => {
        const { id } = await insertUser();
        await call('user/update', { userId: id, user: { allDeviceTypesAvailable: false } });
        expect(await getUser(id)).toMatchObject({ allDeviceTypesAvailable: false });
      });

      it('lets an admin lift a lockout', async () => {
        const { id } = await insertUser({ status: 1 });
        await call('user/update', { userId: id, user: { status: 0 } });
        expect(await getUser(id)).toMatchObject({ status: 0 });
      });

      it('replies 403 when the new login belongs to another user', async () => {
        const { id } = await insertUser();
        await rejects(
          call('user/update', { userId: id, user: { login: ' dhadmin ' } }),
          403,
          'User with such login already exists. Please, select another one',
        );
      });

      it('lets only one of two users concurrently renamed to one login have it', async () => {
        const [a, b] = [await insertUser(), await insertUser()];
        const login = `contested_${a.id}`;
        const results = await Promise.allSettled(
          [a, b].map(({ id }) => call('user/update', { userId: id, user: { login } })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failed.reason).toMatchObject({ status: 403, code: 'DUPLICATE_LOGIN' });
        expect(await call('user/count', { login })).toEqual({ count: 1 });
      });

      it.each([
        ['the user object is missing', { userId: 1 }, 'User is required'],
        ['userId is missing', { user: { data: {} } }, 'User id is wrong or empty'],
        [
          'the password is too short',
          { userId: 1, user: { password: 'abc' } },
          'Password can contain only from 6 to 128 symbols!',
        ],
        ['the role is 5', { userId: 1, user: { role: 5 } }, 'User role is invalid or empty'],
      ])('replies 400 with the reference text when %s', async (_, request, text) => {
        await rejects(call('user/update', request), 400, text);
      });

      it('replies 404 with the reference text for an unknown user', async () => {
        await rejects(
          call('user/update', { userId: 424242, user: { data: null } }),
          404,
          'User with id = 424242 not found',
        );
      });

      describe('when the caller is a CLIENT', () => {
        it.each([
          ['login', { login: 'someone_else' }],
          ['role', { role: 0 }],
          ['status', { status: 0 }],
          ['allDeviceTypesAvailable', { allDeviceTypesAvailable: true }],
        ])('replies 403 for a change of %s', async (_, user) => {
          const { id } = await insertUser({ allDeviceTypesAvailable: false });
          await rejects(
            call('user/update', { userId: id, user }, clientPrincipal(id, [], ['ManageUser'])),
            403,
            'Admin permissions required for this action',
          );
          expect(await getUser(id)).toMatchObject({
            role: 1,
            status: 0,
            allDeviceTypesAvailable: false,
          });
        });
      });
    });

    describe('user/updateCurrent', () => {
      it('lets a CLIENT change its password, data and introReviewed', async () => {
        const { id } = await insertUser();
        const update = { password: 'new-secret', data: { theme: 'dark' }, introReviewed: true };
        expect(await call('user/updateCurrent', { user: update }, clientPrincipal(id, []))).toEqual(
          {},
        );
        expect(await getUser(id)).toMatchObject({ data: { theme: 'dark' }, introReviewed: true });
        const stored = await storedPassword(id);
        await expect(verifyPassword('new-secret', stored.password_hash, null)).resolves.toBe(true);
      });

      it('replies 403 when a CLIENT changes its role', async () => {
        const { id } = await insertUser();
        await rejects(
          call('user/updateCurrent', { user: { role: 0 } }, clientPrincipal(id, [])),
          403,
          'Admin permissions required for this action',
        );
        expect(await getUser(id)).toMatchObject({ role: 1 });
      });

      it('lets an ADMIN change its own login', async () => {
        const { id } = await insertUser({ role: 0 });
        const admin = { ...clientPrincipal(id, []), role: 0 as const };
        await call('user/updateCurrent', { user: { login: `boss_${id}` } }, admin);
        expect(await getUser(id)).toMatchObject({ login: `boss_${id}` });
      });

      it('replies 400 without the user object', async () => {
        const { id } = await insertUser();
        await rejects(
          call('user/updateCurrent', {}, clientPrincipal(id, [])),
          400,
          'User is required',
        );
      });
    });
  });
});
