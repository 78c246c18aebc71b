// A real PostgreSQL for tests and local runs, without Docker (docs/design.md): the Debian server
// binaries (installed with apt-get on first use when running as root), a throw-away cluster in a
// temp dir, a free port, fsync off. Plain Node ESM: used by jest globalSetup and by the CLI
//   node tools/infra/postgres.mjs     # prints DH_DATABASE_URL=..., stops on Ctrl-C
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isAlive, readPid } from './pids.mjs';
import { aptInstall, freePort, isRoot, run } from './process-utils.mjs';

const DEBIAN_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'postgres';

/** The bin folder of the newest Debian PostgreSQL server installed, or undefined. */
export function findPostgresBin() {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => existsSync(join(DEBIAN_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(DEBIAN_ROOT, versions[0], 'bin') : undefined;
}

/** @param {(line: string) => void} log */
async function ensurePostgresBin(log) {
  const found = findPostgresBin();
  if (found) return found;
  log('[infra] PostgreSQL server binaries not found; installing the Debian package');
  await aptInstall(['postgresql'], log);
  const installed = findPostgresBin();
  if (!installed) throw new Error(`apt-get installed postgresql but ${DEBIAN_ROOT}/*/bin is empty`);
  return installed;
}

/** initdb refuses to run as root: root runs the server as the `postgres` system user. */
function asServerUser(bin, args) {
  return isRoot() ? ['runuser', ['-u', SUPERUSER, '--', bin, ...args]] : [bin, args];
}

function idOf(flag) {
  const result = spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`no "${SUPERUSER}" system user to run PostgreSQL`);
  return Number(result.stdout.trim());
}

/**
 * Starts a throw-away PostgreSQL server on 127.0.0.1 and a free port.
 * @param {{ log?: (line: string) => void, stopOnExit?: boolean }} [options]
 *   `stopOnExit` (default true) stops the server and removes its files when this process exits.
 * @returns {Promise<{ url: string, port: number, dataDir: string, stop(): Promise<void> }>}
 */
export async function startPostgres(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const bin = await ensurePostgresBin(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-pg-'));
  if (isRoot()) chownSync(dataDir, idOf('-u'), idOf('-g'));
  const exec = (tool, args) => {
    const [command, argv] = asServerUser(join(bin, tool), args);
    return run(command, argv, { timeoutMs: 120_000 });
  };
  const stopSync = () =>
    spawnSync(...asServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']), {
      stdio: 'ignore',
    });
  const cleanupOnExit = () => {
    stopSync();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await exec('initdb', [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${dataDir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=300',
      ].join(' ');
      try {
        await exec('pg_ctl', [
          '-D',
          dataDir,
          '-l',
          join(dataDir, 'server.log'),
          '-w',
          '-t',
          '60',
          '-o',
          serverOptions,
          'start',
        ]);
        break;
      } catch (error) {
        // Another program may have taken the port between freePort() and the bind.
        if (attempt >= 3) throw error;
      }
    }
    if (options.stopOnExit ?? true) process.once('exit', cleanupOnExit);
    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    log(`[infra] PostgreSQL (${basename(join(bin, '..'))}) on ${url}, data in ${dataDir}`);
    let stopped = false;
    return {
      url,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', cleanupOnExit);
        await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => stopSync());
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    cleanupOnExit();
    throw error;
  }
}

/**
 * The pid of the postmaster of a startPostgres() server (first line of its postmaster.pid), or
 * undefined. pg_ctl makes it a process group leader: `kill(-pid)` reaches its backends too.
 * @param {string} dataDir
 */
export function postgresPid(dataDir) {
  return readPid(join(dataDir, 'postmaster.pid'));
}

/**
 * Starts a startPostgres() server that died (the fault suites SIGKILL it) again, on its port and
 * data: `pg_ctl restart` reuses the options of postmaster.opts and runs crash recovery.
 * @param {{ dataDir: string, log?: (line: string) => void }} options
 */
export async function restartPostgres({ dataDir, log = (line) => console.log(line) }) {
  const bin = await ensurePostgresBin(log);
  const dead = postgresPid(dataDir);
  if (dead && isAlive(dead)) throw new Error(`PostgreSQL ${dead} still runs in ${dataDir}`);
  // The lock files name the dead postmaster; where nothing reaps it, its zombie answers kill(0)
  // and both pg_ctl and the new postmaster would take it for a running server.
  for (const lock of readdirSync(dataDir).filter((f) => /^\.s\.PGSQL\.\d+\.lock$/.test(f))) {
    rmSync(join(dataDir, lock), { force: true });
  }
  rmSync(join(dataDir, 'postmaster.pid'), { force: true });
  const [command, argv] = asServerUser(join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-w',
    '-t',
    '60',
    'restart',
  ]);
  await run(command, argv, { timeoutMs: 120_000 });
  return { pid: /** @type {number} */ (postgresPid(dataDir)) };
}

/**
 * The PostgreSQL server of a test run: `DH_TEST_DATABASE_URL` when set (nothing started, stop is
 * a no-op), else a fresh server from startPostgres().
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function startTestPostgres(options = {}) {
  const given = process.env.DH_TEST_DATABASE_URL;
  if (given) return { url: given, stop: () => Promise.resolve() };
  return startPostgres(options);
}

// CLI: the basename check (not import.meta) and no top-level await keep this file loadable as
// CommonJS by jest's transform.
async function main() {
  const server = await startPostgres();
  console.log(`DH_DATABASE_URL=${server.url}`);
  // pg_ctl detaches the server: keep this process (and its Ctrl-C cleanup) alive, or its exit
  // hook would stop the server at once.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const shutdown = () => server.stop().then(() => (clearInterval(keepAlive), process.exit(0)));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && basename(process.argv[1]) === 'postgres.mjs') {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
