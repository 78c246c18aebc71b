import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserStatus } from '@dh-mqtt/protocol';
import { Client } from 'pg';
import { createDeviceHive } from '../devicehive';
import { STORAGE_KINDS, openTestDatabase } from '../testing';
import {
  checkDefaultAdminPassword,
  DEFAULT_ADMIN_PASSWORD_WARNING,
  DefaultAdminPasswordError,
  usesDefaultAdminPassword,
} from './default-admin';
import { setUserPassword } from './user-recovery';

jest.setTimeout(60_000);

// docs/security.md, "Default admin password".
describe(usesDefaultAdminPassword.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    it('is true on a fresh database, and false once the password is changed', async () => {
      const sql = await openTestDatabase(kind);
      try {
        await expect(usesDefaultAdminPassword(sql)).resolves.toBe(true);
        await setUserPassword(sql, 'dhadmin', 'Another-Admin-Pa55');
        await expect(usesDefaultAdminPassword(sql)).resolves.toBe(false);
      } finally {
        await sql.close();
      }
    });

    it('is false when DH_ADMIN_PASSWORD chose another password for the fresh database', async () => {
      const sql = await openTestDatabase(kind, { adminPassword: 'Chosen-Admin-Pa55' });
      try {
        await expect(usesDefaultAdminPassword(sql)).resolves.toBe(false);
      } finally {
        await sql.close();
      }
    });

    it('is false while the admin is DISABLED, true again when it is not', async () => {
      const sql = await openTestDatabase(kind);
      try {
        await sql.query(`UPDATE dh_user SET status = $1 WHERE login = 'dhadmin'`, [
          UserStatus.Disabled,
        ]);
        await expect(usesDefaultAdminPassword(sql)).resolves.toBe(false);
        await sql.query(`UPDATE dh_user SET status = $1 WHERE login = 'dhadmin'`, [
          UserStatus.LockedOut,
        ]);
        await expect(usesDefaultAdminPassword(sql)).resolves.toBe(true);
      } finally {
        await sql.close();
      }
    });
  });
});

describe(checkDefaultAdminPassword.name, () => {
  it.each([
    [{ shared: false, allowed: false }, true],
    [{ shared: true, allowed: true }, true],
  ])('%j: resolves true (the caller warns)', async (policy, expected) => {
    const sql = await openTestDatabase('pglite');
    try {
      await expect(checkDefaultAdminPassword(sql, policy)).resolves.toBe(expected);
    } finally {
      await sql.close();
    }
  });

  it('refuses a shared database unless allowed, naming the variable and the way out', async () => {
    const sql = await openTestDatabase('pglite');
    try {
      const check = checkDefaultAdminPassword(sql, { shared: true, allowed: false });
      await expect(check).rejects.toBeInstanceOf(DefaultAdminPasswordError);
      await expect(check).rejects.toThrow(
        /^DH_ADMIN_PASSWORD is the published default .*`npx dh-mqtt user set-password dhadmin`.* DH_ALLOW_DEFAULT_ADMIN_PASSWORD=true/,
      );
    } finally {
      await sql.close();
    }
  });
});

describe(`${createDeviceHive.name} at start`, () => {
  const warnings: string[] = [];
  const logger = {
    error: () => undefined,
    warn: (_: object, message: string) => warnings.push(message),
  };

  beforeEach(() => warnings.splice(0));

  describe('on an embedded data directory', () => {
    it('warns at every start while the default password is in use', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'dh-default-admin-'));
      try {
        for (let start = 0; start < 2; start++) {
          const core = await createDeviceHive({ dataDir, logger });
          await core.close();
        }
        expect(warnings).toEqual([DEFAULT_ADMIN_PASSWORD_WARNING, DEFAULT_ADMIN_PASSWORD_WARNING]);
        expect(DEFAULT_ADMIN_PASSWORD_WARNING).not.toContain('dhadmin_#911');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('on a PostgreSQL database (a cluster)', () => {
    let url: string;
    let name: string;
    const admin = async (statement: string) => {
      const client = new Client({ connectionString: process.env['DH_TEST_DATABASE_URL'] });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };

    beforeEach(async () => {
      name = `dh_default_admin_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${name}`);
      url = Object.assign(new URL(process.env['DH_TEST_DATABASE_URL'] ?? ''), {
        pathname: `/${name}`,
      }).toString();
    });

    afterEach(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

    it('refuses to start with the default password', async () => {
      await expect(createDeviceHive({ databaseUrl: url, logger })).rejects.toBeInstanceOf(
        DefaultAdminPasswordError,
      );
    });

    it('starts with DH_ALLOW_DEFAULT_ADMIN_PASSWORD, and warns', async () => {
      const core = await createDeviceHive({
        databaseUrl: url,
        logger,
        allowDefaultAdminPassword: true,
      });
      await core.close();
      expect(warnings).toEqual([DEFAULT_ADMIN_PASSWORD_WARNING]);
    });

    it('starts quietly with another DH_ADMIN_PASSWORD', async () => {
      const core = await createDeviceHive({
        databaseUrl: url,
        logger,
        adminPassword: 'Cluster-Admin-Pa55',
      });
      await core.close();
      expect(warnings).toEqual([]);
    });
  });
});
