import type { JsonObject } from '@dh-mqtt/protocol';
import { verifyPassword } from '../auth/password';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { clientPrincipal, uniqueLogin, userActionHarness } from '../testing/user-actions.fixtures';

const LISTED_KEYS = [
  'id',
  'login',
  'role',
  'status',
  'lastLogin',
  'data',
  'introReviewed',
  'allDeviceTypesAvailable',
];

describe('userActions: user records', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);

    const { call, rejects, storedPassword, insertUser, insertNamed } = userActionHarness(db);
    const newNetwork = () => insertNamed('dh_network');

    describe('user/insert', () => {
      it('replies the submitted view with the defaults and stores a salted hash', async () => {
        const login = uniqueLogin();
        const reply = await call('user/insert', {
          user: { login: `  ${login} `, role: 1, password: 'secret1' },
        });
        const user = reply['user'] as JsonObject;
        expect(Object.keys(user)).toEqual([
          'id',
          'lastLogin',
          'data',
          'introReviewed',
          'allDeviceTypesAvailable',
        ]);
        expect(user).toMatchObject({
          lastLogin: null,
          data: null,
          introReviewed: false,
          allDeviceTypesAvailable: true,
        });
        const stored = await storedPassword(user['id'] as number);
        expect(stored).toEqual({
          password_hash: expect.stringMatching(/^\$scrypt\$ln=15,r=8,p=1\$[\w+/]{22}\$[\w+/]{43}$/),
          password_salt: null,
        });
        await expect(verifyPassword('secret1', stored.password_hash, null)).resolves.toBe(true);
        await expect(verifyPassword('secret2', stored.password_hash, null)).resolves.toBe(false);
        const got = await call('user/get', { userId: user['id'] });
        expect(got['user']).toMatchObject({ login, role: 1, status: 0 });
      });

      it('gives every user a fresh salt (same password, different hashes)', async () => {
        const a = await insertUser();
        const b = await insertUser();
        const [sa, sb] = [await storedPassword(a.id), await storedPassword(b.id)];
        const salt = (hash: string) => hash.split('$')[3];
        expect(salt(sa.password_hash)).not.toBe(salt(sb.password_hash));
        expect(sa.password_hash).not.toBe(sb.password_hash);
      });

      it('stores the given status, data and flags', async () => {
        const { id } = await insertUser({
          status: 2,
          data: { a: [1] },
          introReviewed: true,
          allDeviceTypesAvailable: false,
        });
        const got = await call('user/get', { userId: id });
        expect(got['user']).toMatchObject({
          status: 2,
          data: { a: [1] },
          introReviewed: true,
          allDeviceTypesAvailable: false,
        });
      });

      it.each([
        ['the user object is missing', {}, 'User is required'],
        [
          'the role is missing',
          { user: { login: 'abcdef', password: 'secret1' } },
          'User role is invalid or empty',
        ],
        [
          'the role is neither ADMIN nor CLIENT',
          { user: { login: 'abcdef', role: 2, password: 'secret1' } },
          'User role is invalid or empty',
        ],
        [
          'the password is too short',
          { user: { login: 'abcdef', role: 1, password: '12345' } },
          'Password can contain only from 6 to 128 symbols!',
        ],
        [
          'the login is too short once trimmed',
          { user: { login: ' a  ', role: 1, password: 'secret1' } },
          'Field cannot be empty. The length of login should be from 3 to 128 symbols.',
        ],
        [
          'the login has forbidden characters',
          { user: { login: 'bad login!', role: 1, password: 'secret1' } },
          'Login can contain only lowercase or uppercase letters, numbers, and some special symbols (_@.)',
        ],
      ])('replies 400 with the reference text when %s', async (_, request, text) => {
        await rejects(call('user/insert', request), 400, text);
      });

      it('replies 403 when the login is taken', async () => {
        const { login } = await insertUser();
        await rejects(
          call('user/insert', { user: { login, role: 0, password: 'secret1' } }),
          403,
          'User with such login already exists. Please, select another one',
        );
      });

      it('lets exactly one of two concurrent inserts of one login succeed', async () => {
        const user = { login: uniqueLogin(), role: 1, password: 'secret1' };
        const results = await Promise.allSettled([
          call('user/insert', { user }),
          call('user/insert', { user }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(failed.reason).toMatchObject({ status: 403, code: 'DUPLICATE_LOGIN' });
        expect(await call('user/count', { login: user.login })).toEqual({ count: 1 });
      });
    });

    describe('user/get', () => {
      it('replies the published view with the assigned networks and no secrets', async () => {
        const reply = await call('user/get', { userId: 1 });
        expect(reply).toEqual({
          user: {
            id: 1,
            login: 'dhadmin',
            role: 0,
            status: 0,
            lastLogin: null,
            data: null,
            introReviewed: false,
            allDeviceTypesAvailable: true,
            networks: [
              { id: 1, name: 'Sample Network', description: 'A DeviceHive Sample Network' },
            ],
          },
        });
      });

      it('accepts the id as a numeric string', async () => {
        const reply = await call('user/get', { userId: '1' });
        expect(reply['user']).toMatchObject({ id: 1 });
      });

      it('replies 400 when userId is missing', async () => {
        await rejects(call('user/get', {}), 400, 'User id is wrong or empty');
      });

      it('replies 404 with the reference text for an unknown user', async () => {
        await rejects(call('user/get', { userId: 987654 }), 404, 'User with id = 987654 not found');
      });

      describe('when a CLIENT caller asks', () => {
        it('replies its own user', async () => {
          const { id, login } = await insertUser();
          const reply = await call('user/get', { userId: id }, clientPrincipal(id, []));
          expect(reply['user']).toMatchObject({ id, login, networks: [] });
        });

        it('replies 404 for another user, like an unknown one', async () => {
          const { id } = await insertUser();
          await rejects(
            call('user/get', { userId: 1 }, clientPrincipal(id, [], ['ManageUser'])),
            404,
            'User with id = 1 not found',
          );
        });
      });
    });

    describe('user/getCurrent', () => {
      it('replies the caller under `current` with its networks', async () => {
        const { id, login } = await insertUser();
        const networkId = await newNetwork();
        await call('user/assignNetwork', { userId: id, networkId });
        const reply = await call('user/getCurrent', {}, clientPrincipal(id, [networkId]));
        expect(Object.keys(reply)).toEqual(['current']);
        expect(Object.keys(reply['current'] as object)).toEqual([...LISTED_KEYS, 'networks']);
        expect(reply['current']).toMatchObject({
          id,
          login,
          role: 1,
          networks: [{ id: networkId, description: null }],
        });
      });

      it('replies 409 when the session user was deleted', async () => {
        const { id } = await insertUser();
        await call('user/delete', { userId: id });
        await rejects(
          call('user/getCurrent', {}, clientPrincipal(id, [])),
          409,
          'Can not get current user.',
        );
      });
    });

    describe('user/delete', () => {
      it('deletes the user together with its assignments', async () => {
        const { id } = await insertUser({ allDeviceTypesAvailable: false });
        const networkId = await newNetwork();
        await call('user/assignNetwork', { userId: id, networkId });
        await call('user/assignDeviceType', { userId: id, deviceTypeId: 1 });
        expect(await call('user/delete', { userId: id })).toEqual({});
        await rejects(call('user/get', { userId: id }), 404, `User with id = ${id} not found`);
        const { rows } = await db().query(
          `SELECT user_id FROM dh_user_network WHERE user_id = $1
           UNION ALL SELECT user_id FROM dh_user_device_type WHERE user_id = $1`,
          [id],
        );
        expect(rows).toEqual([]);
        const network = await db().query('SELECT id FROM dh_network WHERE id = $1', [networkId]);
        expect(network.rows).toHaveLength(1);
      });

      it('replies 403 when the caller deletes itself', async () => {
        await rejects(
          call('user/delete', { userId: 1 }),
          403,
          'You can not delete a user or access key that you use to authenticate this request',
        );
      });

      it('replies 404 for an unknown user and 400 without userId', async () => {
        await rejects(
          call('user/delete', { userId: 55555 }),
          404,
          'User with id = 55555 not found',
        );
        await rejects(call('user/delete', {}), 400, 'User id is wrong or empty');
      });
    });
  });
});
