import { migrate } from './migrate';
import { STORAGE_KINDS, openTestDatabase } from '../testing';

describe(migrate.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    it('applies every migration once and is idempotent on a second start', async () => {
      const sql = await openTestDatabase(kind);
      try {
        expect(await migrate(sql)).toEqual([]);
        const { rows } = await sql.query<{ login: string }>(
          'SELECT login FROM dh_user WHERE id = 1',
        );
        expect(rows).toEqual([{ login: 'dhadmin' }]);
      } finally {
        await sql.close();
      }
    });
  });
});
