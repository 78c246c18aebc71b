import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformFileSync } from '@swc/core';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE, DataDirInUseError } from './data-dir-lock';

jest.setTimeout(20_000);

/**
 * Other processes run this module compiled to CommonJS: each takes the lock of the directory given
 * as its argument when it reads a line on stdin, prints `locked` or `in use`, then stays.
 */
function writeChildScript(dir: string): string {
  const module = transformFileSync(require.resolve('./data-dir-lock'), {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  }).code;
  const modulePath = join(dir, 'lock-module.cjs');
  writeFileSync(modulePath, module);
  const script = join(dir, 'child.cjs');
  writeFileSync(
    script,
    `const { acquireDataDirLock } = require(${JSON.stringify(modulePath)});
     process.stdin.once('data', () =>
       acquireDataDirLock(process.argv[2]).then(
         () => console.log('locked'),
         (err) => console.log(err.code === 'DH_DATA_DIR_IN_USE' ? 'in use' : String(err)),
       ));
     setInterval(() => undefined, 1000);`,
  );
  return script;
}

interface Child {
  process: ChildProcess;
  outcome: Promise<string>;
  go(): void;
}

function startChild(script: string, dataDir: string): Child {
  const child = spawn(process.execPath, [script, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const outcome = new Promise<string>((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  return { process: child, outcome, go: () => child.stdin?.write('go\n') };
}

async function kill(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

describe(acquireDataDirLock.name, () => {
  let work: string;
  let dataDir: string;
  let script: string;
  const children: Child[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'dh-lock-'));
    script = writeChildScript(work);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeEach(() => {
    dataDir = mkdtempSync(join(work, 'data-'));
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map(kill));
  });

  /** A child process holding the data directory. */
  async function holder(): Promise<Child> {
    const child = startChild(script, dataDir);
    children.push(child);
    child.go();
    expect(await child.outcome).toBe('locked');
    return child;
  }

  describe('when the directory is free', () => {
    it('takes it, and frees it again on release', async () => {
      const lock = await acquireDataDirLock(dataDir);
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
      await lock.release();
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
      await (await acquireDataDirLock(dataDir)).release();
    });
  });

  describe('when this process asks twice', () => {
    it('shares one lock until the last holder releases it', async () => {
      const first = await acquireDataDirLock(dataDir);
      const second = await acquireDataDirLock(join(dataDir, '.'));
      await first.release();
      await first.release();
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
      await second.release();
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
    });
  });

  describe('when another live process holds it', () => {
    it('refuses at once, naming the directory and the holding process', async () => {
      const other = await holder();
      const started = Date.now();
      const attempt = acquireDataDirLock(dataDir);
      await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(attempt).rejects.toMatchObject({
        holder: { pid: other.process.pid, hostname: hostname() },
      });
      const error = (await attempt.catch((err: Error) => err)) as Error;
      expect(error.message).toContain(
        `DH_DATA_DIR ${dataDir} is in use by process ${other.process.pid} on ${hostname()}`,
      );
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });

  describe('when the process that held it was killed', () => {
    it('removes the stale lock and takes the directory', async () => {
      await kill(await holder());
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
      const lock = await acquireDataDirLock(dataDir);
      const next = startChild(script, dataDir);
      children.push(next);
      next.go();
      expect(await next.outcome).toBe('in use');
      await lock.release();
    });

    it('takes the directory over a plain file left in the lock place', async () => {
      writeFileSync(join(dataDir, DATA_DIR_LOCK_FILE), 'left over');
      await (await acquireDataDirLock(dataDir)).release();
    });
  });

  describe('when another process is inside the exclusive step', () => {
    // Between its bind and its listen a socket refuses connections as a stale one does; a
    // process that bound outside the step could have its socket taken for stale and removed.
    it('binds nothing until that process leaves it', async () => {
      const step = join(dataDir, `${DATA_DIR_LOCK_FILE}.recovery`);
      mkdirSync(step);
      const attempt = acquireDataDirLock(dataDir);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);

      rmdirSync(step);
      const lock = await attempt;

      expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
      await lock.release();
    });
  });

  describe('when several processes race on a stale lock', () => {
    it('lets exactly one of them hold it', async () => {
      await kill(await holder());
      const racers = Array.from({ length: 4 }, () => startChild(script, dataDir));
      children.push(...racers);
      // Each child is up and waiting on stdin before any is told to go.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const racer of racers) racer.go();
      const outcomes = await Promise.all(racers.map((racer) => racer.outcome));
      expect(outcomes.sort()).toEqual(['in use', 'in use', 'in use', 'locked']);
    });
  });
});
