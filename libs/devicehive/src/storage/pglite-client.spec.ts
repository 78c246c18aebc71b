import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
