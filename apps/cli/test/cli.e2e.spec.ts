import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createDeviceHive, type DeviceHive } from '@dh-mqtt/devicehive';
import { Client } from 'pg';
import { EXIT, runCli } from '../src/cli';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../../..');
const ADMIN_PASSWORD = 'dhadmin_#911';
const NEW_PASSWORD = 'Operator-Set-Pa55!';

/** The database a kind of deployment uses, as `DH_*` variables, and how to drop it. */
interface Target {
  env: Record<string, string>;
  dispose(): Promise<void>;
}

async function embeddedTarget(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-cli-'));
  return {
    env: { DH_DATA_DIR: dataDir },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function clusterTarget(): Promise<Target> {
  const server = process.env['DH_TEST_DATABASE_URL'] ?? '';
  const name = `dh_cli_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  return {
    env: { DH_DATABASE_URL: url },
    dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

function openCore(env: Record<string, string>): Promise<DeviceHive> {
  return createDeviceHive({
    dataDir: env['DH_DATA_DIR'],
    databaseUrl: env['DH_DATABASE_URL'],
    jwtSecret: 'Y2xpLXRlc3Qtc2VjcmV0',
    // The server of a cluster test database whose admin still has the published password.
    allowDefaultAdminPassword: true,
  });
}

/** Whether `token` with these credentials succeeds, as a client's CONNECT would. */
async function canLogIn(core: DeviceHive, login: string, password: string): Promise<boolean> {
  return core.execute('token', { login, password }, { principal: null, clientId: 'cli-test' }).then(
    () => true,
    () => false,
  );
}

/** Runs the command line in this process, with piped standard input. */
async function cli(argv: string[], env: Record<string, string>, stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdin: Readable.from([stdin]),
    stdout: { write: (text: string) => ((stdout += text), true) },
    stderr: { write: (text: string) => ((stderr += text), true) },
  });
  return { code, stdout, stderr };
}

describe.each([
  ['embedded (DH_DATA_DIR)', embeddedTarget],
  ['cluster (DH_DATABASE_URL)', clusterTarget],
])('dh-mqtt user commands, %s', (_kind, makeTarget) => {
  let target: Target;

  beforeEach(async () => {
    target = await makeTarget();
    // A database the server made, whose admin then typed the password wrong ten times.
    const core = await openCore(target.env);
    try {
      for (let i = 0; i < 10; i++) await canLogIn(core, 'dhadmin', `wrong-${i}`);
      expect(await canLogIn(core, 'dhadmin', ADMIN_PASSWORD)).toBe(false);
    } finally {
      await core.close();
    }
  });

  afterEach(() => target.dispose());

  it('`user unlock` lets the locked user log in again', async () => {
    const result = await cli(['user', 'unlock', 'dhadmin'], target.env);
    expect(result).toEqual({
      code: EXIT.ok,
      stdout: 'user dhadmin is ACTIVE (was LOCKED_OUT); failed logins cleared\n',
      stderr: '',
    });
    const core = await openCore(target.env);
    try {
      expect(await canLogIn(core, 'dhadmin', ADMIN_PASSWORD)).toBe(true);
    } finally {
      await core.close();
    }
  });

  it('`user set-password` reads the password from standard input and stores it', async () => {
    const set = await cli(['user', 'set-password', 'dhadmin'], target.env, `${NEW_PASSWORD}\n`);
    expect(set).toEqual({
      code: EXIT.ok,
      stdout: 'password of user dhadmin changed\n',
      stderr: '',
    });
    await cli(['user', 'unlock', 'dhadmin'], target.env);
    const core = await openCore(target.env);
    try {
      expect(await canLogIn(core, 'dhadmin', NEW_PASSWORD)).toBe(true);
      expect(await canLogIn(core, 'dhadmin', ADMIN_PASSWORD)).toBe(false);
    } finally {
      await core.close();
    }
  });

  it.each([
    [['user', 'unlock', 'nobody'], '', 'dh-mqtt: no user with login nobody\n'],
    [['user', 'set-password', 'nobody'], `${NEW_PASSWORD}\n`, 'nobody not found'],
    [
      ['user', 'set-password', 'dhadmin'],
      'short\n',
      'Password can contain only from 6 to 128 symbols',
    ],
    [['user', 'set-password', 'dhadmin'], '', 'dh-mqtt: no password on standard input\n'],
  ])('%j fails with exit 1 and says why', async (argv, stdin, message) => {
    const result = await cli(argv, target.env, stdin);
    expect(result.code).toBe(EXIT.failed);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });
});

describe('dh-mqtt command line', () => {
  it.each([[[]], [['user']], [['user', 'unlock']], [['user', 'delete', 'x']], [['nope']]])(
    '%j prints the usage and exits 2',
    async (argv) => {
      const result = await cli(argv, {});
      expect(result.code).toBe(EXIT.usage);
      expect(result.stdout + result.stderr).toContain('usage: dh-mqtt <command>');
    },
  );

  it('names a bad variable and exits 2', async () => {
    const result = await cli(['user', 'unlock', 'dhadmin'], { DH_DATABASE_URL: 'mysql://x' });
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('DH_DATABASE_URL');
  });

  it('refuses a DH_DATA_DIR that holds no database', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dh-cli-empty-'));
    try {
      const result = await cli(['user', 'unlock', 'dhadmin'], { DH_DATA_DIR: empty });
      expect(result.code).toBe(EXIT.failed);
      expect(result.stderr).toContain(`DH_DATA_DIR ${empty} holds no database`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe('as `npx dh-mqtt` while the embedded server holds the data directory', () => {
    it('exits 1 naming the directory and the process that holds it', async () => {
      const target = await embeddedTarget();
      const core = await openCore(target.env);
      try {
        const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = execFile(
            process.execPath,
            [join(ROOT, 'tools/scripts/dh-mqtt.mjs'), 'user', 'unlock', 'dhadmin'],
            { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', ...target.env } },
            (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
          );
        });
        expect(result.code).toBe(EXIT.failed);
        expect(result.stderr).toContain(
          `DH_DATA_DIR ${target.env['DH_DATA_DIR']} is in use by process ${process.pid}`,
        );
      } finally {
        await core.close();
        await target.dispose();
      }
    });
  });
});
