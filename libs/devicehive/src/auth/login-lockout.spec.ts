import { UserStatus } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, adminPrincipal, useTestDeviceHive } from '../testing';
import { call, createTestUser, rejection } from '../testing/auth.fixtures';

const START = new Date('2030-01-01T00:00:00.000Z');
const PASSWORD = 'secret-password';
const LOCKED = { status: 401, message: 'User is locked or disabled' };
const WRONG = { status: 401, message: 'Invalid credentials' };
const at = (ms: number) => new Date(START.getTime() + ms);

// docs/security.md, "Login lockout": locks from failed attempts expire after
// user.login.lockTimeout seconds (default 900); an admin's lock does not.
describe('login lockout', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    let clock = START;
    const core = useTestDeviceHive(kind, { now: () => clock });
    const admin = adminPrincipal();
    const configure = (name: string, value: number) =>
      call(core(), 'configuration/put', { name, value }, admin);
    const unconfigure = (name: string) =>
      call(core(), 'configuration/delete', { name }, admin).catch(() => undefined);

    beforeAll(async () => {
      // Three wrong passwords lock (default 10): the same rule, fewer scrypt checks per test.
      await configure('user.login.maxAttempts', 3);
    });
    beforeEach(() => {
      clock = START;
    });

    const login = (l: string, p = PASSWORD) => call(core(), 'token', { login: l, password: p });
    const stateOf = async (id: number) =>
      (
        await core().sql.query<{ status: number; attempts: number; lockedAt: Date | null }>(
          `SELECT status, login_attempts AS attempts, locked_at AS "lockedAt"
             FROM dh_user WHERE id = $1`,
          [id],
        )
      ).rows[0];
    const lockByFailedAttempts = async () => {
      const user = await createTestUser(core().sql);
      for (let i = 0; i < 3; i++) {
        await expect(rejection(login(user.login, 'wrong-password'))).resolves.toEqual(WRONG);
      }
      return user;
    };

    it('records when failed attempts locked the user', async () => {
      const user = await lockByFailedAttempts();
      await expect(stateOf(user.id)).resolves.toEqual({
        status: UserStatus.LockedOut,
        attempts: 0,
        lockedAt: START,
      });
    });

    it('keeps the lock for 900 s by default, then unlocks at the next right password', async () => {
      const user = await lockByFailedAttempts();
      clock = at(899_999);
      await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
      clock = at(900_000);
      await expect(login(user.login)).resolves.toMatchObject({
        body: { accessToken: expect.any(String) },
      });
      await expect(stateOf(user.id)).resolves.toEqual({
        status: UserStatus.Active,
        attempts: 0,
        lockedAt: null,
      });
    });

    it('unlocks an expired lock at a wrong password too, and counts that attempt', async () => {
      const user = await lockByFailedAttempts();
      clock = at(900_000);
      await expect(rejection(login(user.login, 'wrong-password'))).resolves.toEqual(WRONG);
      await expect(stateOf(user.id)).resolves.toEqual({
        status: UserStatus.Active,
        attempts: 1,
        lockedAt: null,
      });
      await expect(login(user.login)).resolves.toMatchObject({ body: {} });
    });

    it('locks again after the unlock when the wrong passwords go on', async () => {
      const user = await lockByFailedAttempts();
      clock = at(900_000);
      for (let i = 0; i < 3; i++) await rejection(login(user.login, 'wrong-password'));
      await expect(stateOf(user.id)).resolves.toEqual({
        status: UserStatus.LockedOut,
        attempts: 0,
        lockedAt: at(900_000),
      });
      await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
    });

    it('uses user.login.lockTimeout seconds when configured', async () => {
      await configure('user.login.lockTimeout', 60);
      try {
        const user = await lockByFailedAttempts();
        clock = at(59_999);
        await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
        clock = at(60_000);
        await expect(login(user.login)).resolves.toMatchObject({ body: {} });
      } finally {
        await unconfigure('user.login.lockTimeout');
      }
    });

    it('never lifts the lock when user.login.lockTimeout is 0', async () => {
      await configure('user.login.lockTimeout', 0);
      try {
        const user = await lockByFailedAttempts();
        clock = at(10 * 365 * 86_400_000);
        await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
        await expect(stateOf(user.id)).resolves.toMatchObject({ status: UserStatus.LockedOut });
      } finally {
        await unconfigure('user.login.lockTimeout');
      }
    });

    it.each([
      ['LOCKED_OUT', UserStatus.LockedOut],
      ['DISABLED', UserStatus.Disabled],
    ])('keeps a user an admin set to %s locked, however long ago', async (_name, status) => {
      const user = await createTestUser(core().sql);
      await call(core(), 'user/update', { userId: user.id, user: { status } }, admin);
      clock = at(10 * 365 * 86_400_000);
      await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
      await expect(stateOf(user.id)).resolves.toMatchObject({ status, lockedAt: null });
    });

    it('makes a lock from failed attempts permanent when an admin sets LOCKED_OUT again', async () => {
      const user = await lockByFailedAttempts();
      await call(core(), 'user/update', { userId: user.id, user: { status: 1 } }, admin);
      await expect(stateOf(user.id)).resolves.toMatchObject({ lockedAt: null });
      clock = at(900_000);
      await expect(rejection(login(user.login))).resolves.toEqual(LOCKED);
    });

    it('lets an admin unlock at once: status ACTIVE clears the lock time and the attempts', async () => {
      const user = await lockByFailedAttempts();
      await call(core(), 'user/update', { userId: user.id, user: { status: 0 } }, admin);
      await expect(stateOf(user.id)).resolves.toEqual({
        status: UserStatus.Active,
        attempts: 0,
        lockedAt: null,
      });
      await expect(login(user.login)).resolves.toMatchObject({ body: {} });
    });

    describe('token sessions', () => {
      const tokensOf = async (l: string) => (await login(l)).body as Record<string, string>;
      const authenticate = (token: string) => call(core(), 'authenticate', { token });
      const refresh = (refreshToken: string) => call(core(), 'token/refresh', { refreshToken });
      const INVALID = { status: 401, message: 'Invalid credentials' };

      it('refuses the tokens of a locked user until the lock expires, then unlocks it', async () => {
        const user = await createTestUser(core().sql);
        const tokens = await tokensOf(user.login);
        for (let i = 0; i < 3; i++) await rejection(login(user.login, 'wrong-password'));
        clock = at(899_999);
        await expect(rejection(authenticate(tokens['accessToken'] ?? ''))).resolves.toEqual(
          INVALID,
        );
        await expect(rejection(refresh(tokens['refreshToken'] ?? ''))).resolves.toEqual(INVALID);
        clock = at(900_000);
        await expect(authenticate(tokens['accessToken'] ?? '')).resolves.toMatchObject({
          principal: { userId: user.id },
        });
        await expect(stateOf(user.id)).resolves.toEqual({
          status: UserStatus.Active,
          attempts: 0,
          lockedAt: null,
        });
      });

      it('lets token/refresh and token/create through once the lock expired', async () => {
        const user = await createTestUser(core().sql);
        const tokens = await tokensOf(user.login);
        for (let i = 0; i < 3; i++) await rejection(login(user.login, 'wrong-password'));
        const create = () => call(core(), 'token/create', { payload: { userId: user.id } }, admin);
        await expect(rejection(create())).resolves.toEqual({
          status: 403,
          message: LOCKED.message,
        });
        clock = at(900_000);
        await expect(refresh(tokens['refreshToken'] ?? '')).resolves.toMatchObject({
          body: { accessToken: expect.any(String) },
        });
        await expect(create()).resolves.toMatchObject({
          body: { accessToken: expect.any(String) },
        });
      });

      it('keeps refusing the tokens of a user an admin locked', async () => {
        const user = await createTestUser(core().sql);
        const tokens = await tokensOf(user.login);
        await call(core(), 'user/update', { userId: user.id, user: { status: 1 } }, admin);
        clock = at(900_000);
        await expect(rejection(authenticate(tokens['accessToken'] ?? ''))).resolves.toEqual(
          INVALID,
        );
      });
    });

    it('resets failed attempts when an admin sets status ACTIVE on an active user', async () => {
      const user = await createTestUser(core().sql);
      await rejection(login(user.login, 'wrong-password'));
      await rejection(login(user.login, 'wrong-password'));
      await call(core(), 'user/update', { userId: user.id, user: { status: 0 } }, admin);
      await expect(stateOf(user.id)).resolves.toMatchObject({ attempts: 0 });
      // Two more wrong ones do not lock (they would have without the reset).
      await rejection(login(user.login, 'wrong-password'));
      await rejection(login(user.login, 'wrong-password'));
      await expect(stateOf(user.id)).resolves.toMatchObject({
        status: UserStatus.Active,
        attempts: 2,
      });
    });
  });
});
