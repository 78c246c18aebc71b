import { adminPrincipal, clientPrincipal } from './testing/actions.fixtures';
import { call, rejection } from './testing/auth.fixtures';
import { createDeviceHive, type CoreLogger, type DeviceHive } from './devicehive';
import { sqlErrorToDhError } from './storage/sql-errors';
import { STORAGE_KINDS, openTestDatabase, useTestDatabase, useTestDeviceHive } from './testing';

const OPENS_DATABASES = 60_000;

describe(createDeviceHive.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    describe('dispatch', () => {
      const core = useTestDeviceHive(kind);

      it('answers 400 Illegal argument to an action no table implements', async () => {
        const unknown = call(core(), 'no/such' as never, {});
        await expect(rejection(unknown)).resolves.toEqual({
          status: 400,
          message: 'Illegal argument: no/such',
        });
      });

      it('answers 401 to a guarded action on an anonymous session', async () => {
        await expect(rejection(call(core(), 'configuration/get', { name: 'x' }))).resolves.toEqual({
          status: 401,
          message: 'Unauthorized',
        });
      });

      it('answers 403 when the token lacks the permission', async () => {
        const client = clientPrincipal({ userId: 1, userNetworkIds: [1] });
        const denied = call(core(), 'configuration/get', { name: 'x' }, client);
        await expect(rejection(denied)).resolves.toEqual({
          status: 403,
          message: 'Access is denied',
        });
      });

      it('runs the §1.6 target check before the action', async () => {
        const client = clientPrincipal({ userId: 1, userNetworkIds: [1], networkIds: [1] });
        const denied = call(core(), 'network/get', { networkId: 999 }, client);
        await expect(rejection(denied)).resolves.toEqual({
          status: 403,
          message: 'Access is denied',
        });
      });

      it('serves anonymous actions', async () => {
        await expect(call(core(), 'server/info', {})).resolves.toMatchObject({
          body: { info: { apiVersion: '4.1.0' } },
        });
      });

      it('answers ping while the storage is open', async () => {
        await expect(core().ping()).resolves.toBe(true);
      });
    });

    describe('when the database fails in an unexpected way', () => {
      it(
        'answers 500 Internal server error without SQL text, and logs the cause',
        async () => {
          const logged: Array<Record<string, unknown>> = [];
          const logger: CoreLogger = { error: (details) => logged.push(details) };
          const core = await createDeviceHive({ sql: await openTestDatabase(kind), logger });
          try {
            await core.sql.query('DROP TABLE dh_configuration');
            const failure = call(core, 'configuration/get', { name: 'x' }, adminPrincipal());
            await expect(rejection(failure)).resolves.toEqual({
              status: 500,
              message: 'Internal server error',
            });
            expect(JSON.stringify(logged)).toContain('dh_configuration');
            expect(logged[0]).toMatchObject({ action: 'configuration/get' });
          } finally {
            await core.close();
          }
          await expect(core.ping()).resolves.toBe(false);
        },
        OPENS_DATABASES,
      );
    });

    describe('JWT secret resolution (docs/api/README.md, JWT)', () => {
      const storedSecret = async (core: DeviceHive) =>
        (
          await core.sql.query<{ value: string }>(
            `SELECT value FROM dh_configuration WHERE name = 'jwt.secret'`,
          )
        ).rows[0]?.value;

      it(
        'stores a given secret, else keeps the stored one, else generates one',
        async () => {
          const sql = await openTestDatabase(kind);
          const first = await createDeviceHive({ sql });
          const generated = await storedSecret(first);
          expect(generated).toMatch(/^[0-9a-v]{1,26}$/);
          const second = await createDeviceHive({ sql });
          await expect(storedSecret(second)).resolves.toBe(generated);
          const { body } = await call(second, 'token', {
            login: 'dhadmin',
            password: 'dhadmin_#911',
          });
          await expect(
            call(first, 'authenticate', { token: body['accessToken'] ?? null }),
          ).resolves.toMatchObject({ principal: { userId: 1 } });
          const third = await createDeviceHive({ sql, jwtSecret: 'Z2l2ZW4tc2VjcmV0' });
          await expect(storedSecret(third)).resolves.toBe('Z2l2ZW4tc2VjcmV0');
          await expect(
            rejection(call(third, 'authenticate', { token: body['accessToken'] ?? null })),
          ).resolves.toEqual({ status: 401, message: 'Invalid credentials' });
          await third.close();
        },
        OPENS_DATABASES,
      );

      it(
        'refuses to start with a secret that is not Base64',
        async () => {
          const sql = await openTestDatabase(kind);
          try {
            await expect(createDeviceHive({ sql, jwtSecret: '!!!' })).rejects.toThrow(
              /DH_JWT_SECRET must be a Base64 string/,
            );
          } finally {
            await sql.close();
          }
        },
        OPENS_DATABASES,
      );
    });

    describe(sqlErrorToDhError.name, () => {
      const db = useTestDatabase(kind);

      it.each([
        [
          'a duplicate login',
          `INSERT INTO dh_user (login, role) VALUES ('dhadmin', 1)`,
          403,
          'User with such login already exists. Please, select another one',
        ],
        [
          'a duplicate network',
          `INSERT INTO dh_network (name) VALUES ('Sample Network')`,
          403,
          'Network cannot be created. Network with such name already exists',
        ],
        [
          'a duplicate device type',
          `INSERT INTO dh_device_type (name) VALUES ('Cameras')`,
          403,
          'Device type cannot be created. Device type with such name already exists',
        ],
        [
          'a missing foreign row',
          `INSERT INTO dh_user_network (user_id, network_id) VALUES (1, 424242)`,
          409,
          expect.stringMatching(/^Posted data conflicts/),
        ],
        [
          'a value too long',
          `INSERT INTO dh_network (name) VALUES (repeat('x', 200))`,
          400,
          'Invalid request parameters',
        ],
      ])('maps %s to its reply', async (_case, statement, status, message) => {
        const error = await db()
          .query(statement)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(sqlErrorToDhError(error)).toMatchObject({ status, message });
      });

      it('leaves other failures to the caller (a 500)', () => {
        expect(sqlErrorToDhError(new Error('boom'))).toBeNull();
        expect(sqlErrorToDhError({ code: '42P01' })).toBeNull();
      });
    });
  });
});
