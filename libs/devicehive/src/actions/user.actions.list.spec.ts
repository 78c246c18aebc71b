import type { JsonObject } from '@dh-mqtt/protocol';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { uniqueLogin, userActionHarness } from '../testing/user-actions.fixtures';

const logins = (reply: JsonObject) =>
  (reply['users'] as Array<{ login: string }>).map((u) => u.login);

describe('userActions: user/list and user/count', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);
    const { call, rejects, insertUser } = userActionHarness(db);

    /** Inserts users whose logins share a fresh prefix; returns the prefix and the logins. */
    async function insertFamily(
      suffixes: string[],
      user: JsonObject = {},
    ): Promise<{ prefix: string; logins: string[] }> {
      const prefix = uniqueLogin('fam');
      for (const suffix of suffixes) {
        await call('user/insert', {
          user: { login: prefix + suffix, role: 1, password: 'secret1', ...user },
        });
      }
      return { prefix, logins: suffixes.map((s) => prefix + s) };
    }

    it('lists users in the listed view, without networks or secrets', async () => {
      const { login } = await insertUser({ data: { k: 1 } });
      const reply = await call('user/list', { login });
      expect(reply).toEqual({
        users: [
          {
            id: expect.any(Number),
            login,
            role: 1,
            status: 0,
            lastLogin: null,
            data: { k: 1 },
            introReviewed: false,
            allDeviceTypesAvailable: true,
          },
        ],
      });
    });

    it('matches login exactly and case-sensitively', async () => {
      const { login } = await insertUser();
      expect(logins(await call('user/list', { login: login.toUpperCase() }))).toEqual([]);
      expect(logins(await call('user/list', { login: login.slice(0, -1) }))).toEqual([]);
    });

    it('ignores login when loginPattern is given', async () => {
      const family = await insertFamily(['_a', '_b']);
      const reply = await call('user/list', {
        login: 'dhadmin',
        loginPattern: `${family.prefix}%`,
      });
      expect(logins(reply)).toEqual(family.logins);
    });

    it('combines the role and status filters with the pattern', async () => {
      const admins = await insertFamily(['_adm'], { role: 0 });
      const prefix = admins.prefix;
      await call('user/insert', { user: { login: `${prefix}_cli`, role: 1, password: 'secret1' } });
      await call('user/insert', {
        user: { login: `${prefix}_off`, role: 1, password: 'secret1', status: 2 },
      });
      const loginPattern = `${prefix}%`;
      expect(logins(await call('user/list', { loginPattern, role: 0 }))).toEqual(admins.logins);
      expect(logins(await call('user/list', { loginPattern, role: 1, status: 2 }))).toEqual([
        `${prefix}_off`,
      ]);
      expect(await call('user/count', { loginPattern, role: 1 })).toEqual({ count: 2 });
      expect(await call('user/count', { loginPattern, status: 0 })).toEqual({ count: 2 });
    });

    it('sorts by login in either order, field and order in any case', async () => {
      const family = await insertFamily(['_b', '_c', '_a']);
      const loginPattern = `${family.prefix}%`;
      const desc = await call('user/list', { loginPattern, sortField: 'LOGIN', sortOrder: 'desc' });
      expect(logins(desc)).toEqual([...family.logins].sort().reverse());
      const asc = await call('user/list', { loginPattern, sortField: 'login' });
      expect(logins(asc)).toEqual([...family.logins].sort());
      const byId = await call('user/list', { loginPattern, sortField: 'Id', sortOrder: 'ASC' });
      expect(logins(byId)).toEqual(family.logins);
    });

    it('pages with take and skip, 20 rows by default', async () => {
      const suffixes = Array.from({ length: 22 }, (_, i) => `_${String(i).padStart(2, '0')}`);
      const family = await insertFamily(suffixes);
      const loginPattern = `${family.prefix}%`;
      expect(logins(await call('user/list', { loginPattern }))).toEqual(family.logins.slice(0, 20));
      const page = await call('user/list', { loginPattern, take: 3, skip: 19 });
      expect(logins(page)).toEqual(family.logins.slice(19, 22));
      expect(await call('user/count', { loginPattern })).toEqual({ count: 22 });
    });

    it('replies 400 for an unknown sortField', async () => {
      await rejects(
        call('user/list', { sortField: 'password' }),
        400,
        'Invalid request parameters',
      );
    });

    it('replies 400 naming an unparseable sortOrder', async () => {
      await rejects(
        call('user/list', { sortField: 'id', sortOrder: 'sideways' }),
        400,
        'Unparseable sort order : sideways',
      );
    });

    describe('with LIKE patterns', () => {
      it('treats % and _ as wildcards and \\ as their escape', async () => {
        const family = await insertFamily(['_x1', 'Ax1', '_x22']);
        const prefix = family.prefix;
        expect(logins(await call('user/list', { loginPattern: `${prefix}_x_` }))).toEqual([
          `${prefix}_x1`,
          `${prefix}Ax1`,
        ]);
        expect(logins(await call('user/list', { loginPattern: `${prefix}\\_x%` }))).toEqual([
          `${prefix}_x1`,
          `${prefix}_x22`,
        ]);
      });

      it.each([
        ['a quote and a statement', "'; DROP TABLE dh_user; --"],
        ['a trailing backslash', 'dhadmin\\'],
        ['a lone backslash', '\\'],
        ['a quote in the middle', "dh'admin%"],
        ['parentheses and a comment', "%') OR 1=1 --"],
      ])('matches %s literally as data, never as SQL', async (_, loginPattern) => {
        expect(await call('user/list', { loginPattern })).toEqual({ users: [] });
        expect(await call('user/count', { loginPattern })).toEqual({ count: 0 });
        expect(await call('user/count', { login: 'dhadmin' })).toEqual({ count: 1 });
      });
    });
  });
});
