import { call, rejection } from '../testing/auth.fixtures';
import { JWT_SECRET_SETTING, SECRET_SETTINGS } from '../auth/jwt-secret';
import { STORAGE_KINDS, TEST_JWT_SECRET, adminPrincipal, useTestDeviceHive } from '../testing';

describe('configuration actions', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const core = useTestDeviceHive(kind);
    const admin = adminPrincipal();
    const get = (request: object) => call(core(), 'configuration/get', request as never, admin);
    const put = (request: object) => call(core(), 'configuration/put', request as never, admin);
    const remove = (request: object) =>
      call(core(), 'configuration/delete', request as never, admin);

    it('reads the bootstrap user.login.lastTimeout entry with its id', async () => {
      const { body } = await get({ name: 'user.login.lastTimeout' });
      expect(body).toEqual({
        configuration: {
          id: expect.any(Number),
          name: 'user.login.lastTimeout',
          value: '1000',
          entityVersion: 0,
        },
      });
    });

    it('creates an entry with id null and version 0, then updates it with a new version', async () => {
      await expect(put({ name: 'probe.create', value: 'one' })).resolves.toEqual({
        body: { configuration: { id: null, name: 'probe.create', value: 'one', entityVersion: 0 } },
      });
      const { body } = await put({ name: 'probe.create', value: 'two' });
      expect(body['configuration']).toEqual({
        id: expect.any(Number),
        name: 'probe.create',
        value: 'two',
        entityVersion: 1,
      });
      await expect(get({ name: 'probe.create' })).resolves.toEqual({ body });
    });

    it('keeps every one of concurrent updates (optimistic version, no lost write)', async () => {
      await put({ name: 'probe.race', value: 'start' });
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => put({ name: 'probe.race', value: `v${i}` })),
      );
      const { body } = await get({ name: 'probe.race' });
      expect(body['configuration']).toMatchObject({ entityVersion: 5 });
    });

    it.each([
      [42, '42'],
      [true, 'true'],
    ])('stringifies a non-string value %p', async (value, stored) => {
      const { body } = await put({ name: 'probe.stringify', value });
      expect(body['configuration']).toMatchObject({ value: stored });
    });

    it('stores names and values with SQL metacharacters verbatim', async () => {
      const name = `x';DROP TABLE dh_user;--%_`;
      const value = `'); DELETE FROM dh_configuration; -- "\\`;
      await put({ name, value });
      await expect(get({ name })).resolves.toMatchObject({
        body: { configuration: { name, value } },
      });
      await expect(get({ name: 'x%' })).rejects.toMatchObject({ status: 404 });
    });

    it('deletes an entry, after which get answers 404 with the reference text', async () => {
      await put({ name: 'probe.delete', value: 'v' });
      await expect(remove({ name: 'probe.delete' })).resolves.toEqual({ body: {} });
      await expect(rejection(get({ name: 'probe.delete' }))).resolves.toEqual({
        status: 404,
        message: 'Requested config with name = probe.delete not found in the database',
      });
    });

    describe.each([
      ['get', get],
      ['put', put],
      ['delete', remove],
    ])('configuration/%s', (_name, action) => {
      it.each([{}, { name: '' }, { name: 7 }])(
        'answers 400 Configuration name is wrong or empty to %p',
        async (request) => {
          await expect(rejection(action({ value: 'v', ...request }))).resolves.toEqual({
            status: 400,
            message: 'Configuration name is wrong or empty',
          });
        },
      );
    });

    it('answers 404 to delete of an unknown name', async () => {
      await expect(rejection(remove({ name: 'no.such.entry' }))).resolves.toEqual({
        status: 404,
        message: 'Requested config with name = no.such.entry not found in the database',
      });
    });

    it.each([
      [
        { name: 'n'.repeat(33), value: 'v' },
        "Name cannot be empty. The name's length should not be more than 32 symbols.",
      ],
      [{ name: 'probe.value' }, 'value field cannot be null.'],
      [{ name: 'probe.value', value: null }, 'value field cannot be null.'],
      [
        { name: 'probe.value', value: '' },
        'Field cannot be empty. The length of value should not be more than 128 symbols.',
      ],
      [
        { name: 'probe.value', value: 'v'.repeat(129) },
        'Field cannot be empty. The length of value should not be more than 128 symbols.',
      ],
    ])('answers 400 to put %p with the reference text', async (request, message) => {
      await expect(rejection(put(request))).resolves.toEqual({ status: 400, message });
    });

    describe('secret settings', () => {
      const SECRET_TEXT =
        "Configuration 'jwt.secret' is a secret and cannot be read or changed through the API";
      const storedSecret = async () =>
        (
          await core().sql.query<{ value: string; version: number }>(
            'SELECT value, entity_version AS version FROM dh_configuration WHERE name = $1',
            [JWT_SECRET_SETTING],
          )
        ).rows;

      it('declares the JWT signing secret as a secret setting', () => {
        expect([...SECRET_SETTINGS]).toEqual(['jwt.secret']);
      });

      it('answers 403 to configuration/get of jwt.secret without its value', async () => {
        const reply = rejection(get({ name: 'jwt.secret' }));
        await expect(reply).resolves.toEqual({ status: 403, message: SECRET_TEXT });
        expect((await reply).message).not.toContain(TEST_JWT_SECRET);
      });

      it('answers 403 to configuration/put of jwt.secret and keeps the stored secret', async () => {
        const before = await storedSecret();
        expect(before).toEqual([{ value: TEST_JWT_SECRET, version: expect.any(Number) }]);
        await expect(
          rejection(put({ name: 'jwt.secret', value: 'YXR0YWNrZXI=' })),
        ).resolves.toEqual({ status: 403, message: SECRET_TEXT });
        await expect(storedSecret()).resolves.toEqual(before);
      });

      it('answers 403 to configuration/delete of jwt.secret and keeps the stored secret', async () => {
        const before = await storedSecret();
        await expect(rejection(remove({ name: 'jwt.secret' }))).resolves.toEqual({
          status: 403,
          message: SECRET_TEXT,
        });
        await expect(storedSecret()).resolves.toEqual(before);
      });

      it('treats names differing in case or spaces as other, ordinary entries', async () => {
        const before = await storedSecret();
        for (const name of ['JWT.secret', ' jwt.secret', 'jwt.secret ']) {
          await expect(put({ name, value: 'YXR0YWNrZXI=' })).resolves.toMatchObject({
            body: { configuration: { name, value: 'YXR0YWNrZXI=' } },
          });
          await expect(remove({ name })).resolves.toEqual({ body: {} });
        }
        await expect(storedSecret()).resolves.toEqual(before);
      });
    });

    it('accepts a 32-character name and a 128-character value', async () => {
      const request = { name: 'n'.repeat(32), value: 'v'.repeat(128) };
      await expect(put(request)).resolves.toMatchObject({ body: { configuration: request } });
    });
  });
});
