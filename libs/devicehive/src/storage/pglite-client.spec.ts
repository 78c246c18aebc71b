import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { transformFileSync } from '@swc/core';
import { DataDirInUseError } from './data-dir-lock';
import { openPglite, PGLITE_SHARED_BUFFERS } from './pglite-client';

describe('openPglite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dh-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`runs PostgreSQL with ${PGLITE_SHARED_BUFFERS} of shared buffers and PGlite's own settings`, async () => {
    const sql = await openPglite(join(dir, 'data'));
    try {
      const buffers = await sql.query<{ shared_buffers: string }>('SHOW shared_buffers');
      const path = await sql.query<{ search_path: string }>('SHOW search_path');

      expect(buffers.rows[0].shared_buffers).toBe('32MB');
      // One of PGlite's default start parameters: still applied beside ours.
      expect(path.rows[0].search_path).toBe('public');
    } finally {
      await sql.close();
    }
  });

  describe('when another thread of this process holds the data directory lock', () => {
    /** The lock taken in a worker thread, as the standalone's main thread takes it. */
    async function lockInAnotherThread(dataDir: string): Promise<Worker> {
      const compiled = join(dir, 'lock-module.cjs');
      writeFileSync(
        compiled,
        transformFileSync(require.resolve('./data-dir-lock'), {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
        }).code,
      );
      const worker = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         require(workerData.compiled).acquireDataDirLock(workerData.dataDir).then(
           () => parentPort.postMessage('locked'),
           (err) => parentPort.postMessage(String(err)),
         );
         setInterval(() => undefined, 1000); // the lock does not keep a thread alive by itself`,
        { eval: true, workerData: { compiled, dataDir } },
      );
      const outcome = await new Promise((resolve) => worker.once('message', resolve));
      expect(outcome).toBe('locked');
      return worker;
    }

    it('opens the database with dataDirLockHeld, and refuses without it', async () => {
      const dataDir = join(dir, 'held');
      const holder = await lockInAnotherThread(dataDir);
      try {
        const refused = await openPglite(dataDir).catch((error: unknown) => error);
        const sql = await openPglite(dataDir, { dataDirLockHeld: true });
        const answer = await sql.query<{ one: number }>('SELECT 1 AS one');
        await sql.close();

        expect(refused).toBeInstanceOf(DataDirInUseError);
        expect(answer.rows[0].one).toBe(1);
      } finally {
        await holder.terminate();
      }
    });
  });
});
