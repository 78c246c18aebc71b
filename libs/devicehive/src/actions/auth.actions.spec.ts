import {
  ALL_PERMISSIONS,
  CLIENT_PERMISSIONS,
  UserRole,
  UserStatus,
  type Principal,
} from '@dh-mqtt/protocol';
import { decodeProtectedHeader } from 'jose';
import { call, createTestUser, rejection, tokenPayload } from '../testing/auth.fixtures';
import { ACCESS_TOKEN_LIFETIME_MS, REFRESH_TOKEN_LIFETIME_MS } from '../auth/jwt';
import { STORAGE_KINDS, adminPrincipal, useTestDeviceHive } from '../testing';
import { authActions } from './auth.actions';

const START = new Date('2030-01-01T00:00:00.000Z');
const ADMIN_PASSWORD = 'dhadmin_#911';

describe('auth actions', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    let clock = START;
    const core = useTestDeviceHive(kind, { now: () => clock });
    const sql = () => core().sql;
    const admin = adminPrincipal();
    beforeEach(() => {
      clock = START;
    });

    const login = (l: unknown, p: unknown) =>
      call(core(), 'token', { login: l, password: p } as never);
    const attemptsOf = async (id: number) =>
      (
        await sql().query<{ status: number; attempts: number }>(
          'SELECT status, login_attempts AS attempts FROM dh_user WHERE id = $1',
          [id],
        )
      ).rows[0];
    const authenticate = async (token: unknown) => {
      const outcome = await call(core(), 'authenticate', { token } as never);
      expect(outcome.body).toEqual({});
      return outcome.principal as Principal;
    };
    const createToken = (payload: unknown) =>
      call(core(), 'token/create', { payload } as never, admin);

    it('covers every session action of docs/api/session.md', () => {
      expect(Object.keys(authActions).sort()).toEqual(
        ['authenticate', 'token', 'token/create', 'token/refresh'].sort(),
      );
    });

    describe('token', () => {
      it('issues the reference token pair for the bootstrap admin', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        expect(decodeProtectedHeader(String(body['accessToken']))).toEqual({ alg: 'HS256' });
        expect(tokenPayload(body['accessToken'])).toEqual({
          u: 1,
          a: [0],
          n: ['*'],
          dt: ['*'],
          e: START.getTime() + ACCESS_TOKEN_LIFETIME_MS,
          t: 1,
        });
        expect(tokenPayload(body['refreshToken'])).toEqual({
          u: 1,
          a: [0],
          n: ['*'],
          dt: ['*'],
          e: START.getTime() + REFRESH_TOKEN_LIFETIME_MS,
          t: 0,
        });
      });

      it('gives a CLIENT user the client set, its networks and its device types', async () => {
        const user = await createTestUser(sql(), {
          networkIds: [1],
          deviceTypeIds: [2, 3],
          allDeviceTypesAvailable: false,
        });
        const { body } = await login(user.login, 'secret-password');
        expect(tokenPayload(body['accessToken'])).toMatchObject({
          u: user.id,
          a: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17],
          n: ['1'],
          dt: ['2', '3'],
        });
      });

      it.each([
        ['a blank login', '  ', 'x'],
        ['an empty password', 'dhadmin', ''],
        ['a missing login', undefined, 'x'],
      ])('answers 400 to %s', async (_case, l, p) => {
        await expect(rejection(login(l, p))).resolves.toEqual({
          status: 400,
          message: 'Invalid or empty authorization request parameters',
        });
      });

      it('answers 401 naming an unknown login, matched exactly (case-sensitive)', async () => {
        await expect(rejection(login('DHADMIN', ADMIN_PASSWORD))).resolves.toEqual({
          status: 401,
          message: 'User with login = DHADMIN not found or bad password',
        });
      });

      it('answers 401 Invalid credentials to a wrong password and counts the attempt', async () => {
        const user = await createTestUser(sql());
        await expect(rejection(login(user.login, 'wrong-password'))).resolves.toEqual({
          status: 401,
          message: 'Invalid credentials',
        });
        await expect(attemptsOf(user.id)).resolves.toEqual({ status: 0, attempts: 1 });
      });

      it('resets the failed attempts on a successful login', async () => {
        const user = await createTestUser(sql());
        await rejection(login(user.login, 'wrong-password'));
        await login(user.login, 'secret-password');
        await expect(attemptsOf(user.id)).resolves.toEqual({ status: 0, attempts: 0 });
      });

      it('locks the user out after 10 wrong passwords by default', async () => {
        const user = await createTestUser(sql());
        for (let i = 0; i < 9; i++) await rejection(login(user.login, 'wrong-password'));
        await expect(attemptsOf(user.id)).resolves.toEqual({ status: 0, attempts: 9 });
        await rejection(login(user.login, 'wrong-password'));
        await expect(attemptsOf(user.id)).resolves.toEqual({
          status: UserStatus.LockedOut,
          attempts: 0,
        });
        await expect(rejection(login(user.login, 'secret-password'))).resolves.toEqual({
          status: 401,
          message: 'User is locked or disabled',
        });
      });

      it('locks after user.login.maxAttempts wrong passwords when configured', async () => {
        await call(
          core(),
          'configuration/put',
          { name: 'user.login.maxAttempts', value: 3 },
          admin,
        );
        try {
          const user = await createTestUser(sql());
          for (let i = 0; i < 3; i++) await rejection(login(user.login, 'wrong-password'));
          await expect(attemptsOf(user.id)).resolves.toEqual({
            status: UserStatus.LockedOut,
            attempts: 0,
          });
        } finally {
          await call(core(), 'configuration/delete', { name: 'user.login.maxAttempts' }, admin);
        }
      });

      it('counts every one of concurrent wrong passwords', async () => {
        const user = await createTestUser(sql());
        await Promise.all(
          Array.from({ length: 6 }, () => rejection(login(user.login, 'wrong-password'))),
        );
        await expect(attemptsOf(user.id)).resolves.toEqual({ status: 0, attempts: 6 });
      });

      it.each([
        ['locked out', UserStatus.LockedOut],
        ['disabled', UserStatus.Disabled],
      ])('refuses a %s user even with the right password', async (_case, status) => {
        const user = await createTestUser(sql(), { status });
        await expect(rejection(login(user.login, 'secret-password'))).resolves.toEqual({
          status: 401,
          message: 'User is locked or disabled',
        });
      });

      it('sets lastLogin when it is unset or older than user.login.lastTimeout (1000 ms)', async () => {
        const user = await createTestUser(sql());
        const lastLogin = async () =>
          (
            await sql().query<{ at: Date }>('SELECT last_login AS at FROM dh_user WHERE id = $1', [
              user.id,
            ])
          ).rows[0]?.at;
        await login(user.login, 'secret-password');
        await expect(lastLogin()).resolves.toEqual(START);
        clock = new Date(START.getTime() + 500);
        await login(user.login, 'secret-password');
        await expect(lastLogin()).resolves.toEqual(START);
        clock = new Date(START.getTime() + 1500);
        await login(user.login, 'secret-password');
        await expect(lastLogin()).resolves.toEqual(clock);
      });
    });

    describe('authenticate', () => {
      it('builds the admin principal from a login token', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        await expect(authenticate(body['accessToken'])).resolves.toEqual({
          userId: 1,
          login: 'dhadmin',
          role: UserRole.Admin,
          permissions: ALL_PERMISSIONS,
          networkIds: '*',
          deviceTypeIds: '*',
          userNetworkIds: '*',
          userDeviceTypeIds: '*',
        });
      });

      it('builds a CLIENT principal with its one network from the database', async () => {
        const user = await createTestUser(sql(), { networkIds: [1] });
        const { body } = await login(user.login, 'secret-password');
        const principal = await authenticate(body['accessToken']);
        expect({ ...principal, permissions: [...principal.permissions].sort() }).toEqual({
          userId: user.id,
          login: user.login,
          role: UserRole.Client,
          permissions: [...CLIENT_PERMISSIONS].sort(),
          networkIds: [1],
          deviceTypeIds: '*',
          userNetworkIds: [1],
          userDeviceTypeIds: '*',
        });
      });

      it('restricts device types of a user without allDeviceTypesAvailable', async () => {
        const user = await createTestUser(sql(), {
          networkIds: [1],
          deviceTypeIds: [4],
          allDeviceTypesAvailable: false,
        });
        const { body } = await login(user.login, 'secret-password');
        await expect(authenticate(body['accessToken'])).resolves.toMatchObject({
          deviceTypeIds: [4],
          userDeviceTypeIds: [4],
        });
      });

      it.each([
        ['absent', undefined],
        ['empty', ''],
      ])('answers 401 Unauthorized when the token is %s', async (_case, token) => {
        await expect(rejection(authenticate(token))).resolves.toEqual({
          status: 401,
          message: 'Unauthorized',
        });
      });

      it('answers 401 Invalid credentials to garbage and to a refresh token', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        for (const token of ['not.a.jwt', 42, body['refreshToken']]) {
          await expect(rejection(authenticate(token))).resolves.toEqual({
            status: 401,
            message: 'Invalid credentials',
          });
        }
      });

      it('answers 401 Invalid credentials to a token signed with another secret', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        const [header, payload] = String(body['accessToken']).split('.');
        const forged = `${header}.${payload}.${'A'.repeat(43)}`;
        await expect(rejection(authenticate(forged))).resolves.toEqual({
          status: 401,
          message: 'Invalid credentials',
        });
      });

      it('answers 401 Token expired to an expired access token', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        clock = new Date(START.getTime() + ACCESS_TOKEN_LIFETIME_MS + 1);
        await expect(rejection(authenticate(body['accessToken']))).resolves.toEqual({
          status: 401,
          message: 'Token expired',
        });
      });

      it('answers 401 Invalid credentials once the user is disabled or deleted', async () => {
        const disabled = await createTestUser(sql());
        const deleted = await createTestUser(sql());
        const tokens = [
          (await login(disabled.login, 'secret-password')).body['accessToken'],
          (await login(deleted.login, 'secret-password')).body['accessToken'],
        ];
        await sql().query('UPDATE dh_user SET status = 2 WHERE id = $1', [disabled.id]);
        await sql().query('DELETE FROM dh_user WHERE id = $1', [deleted.id]);
        for (const token of tokens) {
          await expect(rejection(authenticate(token))).resolves.toEqual({
            status: 401,
            message: 'Invalid credentials',
          });
        }
      });
    });

    describe('token/create', () => {
      it('defaults to a token that grants nothing (actions absent ⇒ [1], no networks)', async () => {
        const { body } = await createToken({ userId: 1 });
        expect(tokenPayload(body['accessToken'])).toEqual({
          u: 1,
          a: [1],
          n: null,
          dt: null,
          e: START.getTime() + ACCESS_TOKEN_LIFETIME_MS,
          t: 1,
        });
        expect(tokenPayload(body['refreshToken'])).toMatchObject({
          e: START.getTime() + REFRESH_TOKEN_LIFETIME_MS,
          t: 0,
        });
        await expect(authenticate(body['accessToken'])).resolves.toMatchObject({
          permissions: [],
          networkIds: [],
          deviceTypeIds: '*',
        });
      });

      it('resolves names case-insensitively, accepts ids and "*", drops unknown ones', async () => {
        const { body } = await createToken({
          userId: 1,
          actions: ['getdevice', 'MANAGENETWORK', 'NoSuchAction', 7, 99],
          networkIds: [1, '2'],
          deviceTypeIds: ['*'],
        });
        expect(tokenPayload(body['accessToken'])).toMatchObject({
          a: [3, 7, 14],
          n: ['1', '2'],
          dt: ['*'],
        });
        await expect(authenticate(body['accessToken'])).resolves.toMatchObject({
          permissions: ['GetDevice', 'CreateDeviceCommand', 'ManageNetwork'],
          networkIds: [1, 2],
          deviceTypeIds: '*',
        });
      });

      it('grants the client set at use time for an empty action list', async () => {
        const { body } = await createToken({ userId: 1, actions: [] });
        const principal = await authenticate(body['accessToken']);
        expect([...principal.permissions].sort()).toEqual([...CLIENT_PERMISSIONS].sort());
      });

      it('uses the given expiration for both tokens unless refreshExpiration is given', async () => {
        const expiration = '2030-01-02T00:00:00.000Z';
        const single = await createToken({ userId: 1, expiration });
        expect(tokenPayload(single.body['accessToken']).e).toBe(Date.parse(expiration));
        expect(tokenPayload(single.body['refreshToken']).e).toBe(Date.parse(expiration));
        const both = await createToken({
          userId: 1,
          expiration,
          refreshExpiration: '2030-02-01T00:00:00',
        });
        expect(tokenPayload(both.body['refreshToken']).e).toBe(Date.parse('2030-02-01T00:00:00Z'));
      });

      it('answers 404 for an unknown user and 403 for an inactive one', async () => {
        const locked = await createTestUser(sql(), { status: UserStatus.LockedOut });
        await expect(rejection(createToken({ userId: 987654 }))).resolves.toEqual({
          status: 404,
          message: 'User with id = 987654 not found',
        });
        await expect(rejection(createToken({ userId: locked.id }))).resolves.toEqual({
          status: 403,
          message: 'User is locked or disabled',
        });
      });

      it('answers 400 to a missing or malformed payload (REF-BUG: the reference answers 500)', async () => {
        await expect(rejection(createToken(undefined))).resolves.toEqual({
          status: 400,
          message: 'Missing or invalid payload in request',
        });
        await expect(rejection(createToken('x'))).resolves.toEqual({
          status: 400,
          message: 'Malformed Json received.',
        });
      });

      it('answers 401 to an anonymous session', async () => {
        const anonymous = call(core(), 'token/create', { payload: { userId: 1 } });
        await expect(rejection(anonymous)).resolves.toEqual({
          status: 401,
          message: 'Unauthorized',
        });
      });
    });

    describe('token/refresh', () => {
      const refresh = (refreshToken: unknown) =>
        call(core(), 'token/refresh', { refreshToken } as never);

      it('issues an access token with the same rights and a fresh 30-minute expiry', async () => {
        const { body } = await createToken({ userId: 1, actions: ['GetDevice'], networkIds: [1] });
        clock = new Date(START.getTime() + 60_000);
        const refreshed = await refresh(body['refreshToken']);
        expect(Object.keys(refreshed.body)).toEqual(['accessToken']);
        expect(tokenPayload(refreshed.body['accessToken'])).toEqual({
          u: 1,
          a: [3],
          n: ['1'],
          dt: null,
          e: clock.getTime() + ACCESS_TOKEN_LIFETIME_MS,
          t: 1,
        });
      });

      it('answers 400 when the refresh token is missing', async () => {
        await expect(rejection(refresh(undefined))).resolves.toEqual({
          status: 400,
          message: 'Missing or invalid payload in request',
        });
      });

      it('answers 401 Invalid token type to an access token', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        await expect(rejection(refresh(body['accessToken']))).resolves.toEqual({
          status: 401,
          message: 'Invalid token type',
        });
      });

      it('answers 401 Token has expired to an expired refresh token', async () => {
        const { body } = await login('dhadmin', ADMIN_PASSWORD);
        clock = new Date(START.getTime() + REFRESH_TOKEN_LIFETIME_MS + 1);
        await expect(rejection(refresh(body['refreshToken']))).resolves.toEqual({
          status: 401,
          message: 'Token has expired',
        });
      });

      it('answers 401 Invalid credentials to garbage and for an inactive user (REF-BUG: 500)', async () => {
        const user = await createTestUser(sql());
        const { body } = await login(user.login, 'secret-password');
        await sql().query('UPDATE dh_user SET status = 1 WHERE id = $1', [user.id]);
        for (const token of ['garbage', body['refreshToken']]) {
          await expect(rejection(refresh(token))).resolves.toEqual({
            status: 401,
            message: 'Invalid credentials',
          });
        }
      });
    });
  });
});
