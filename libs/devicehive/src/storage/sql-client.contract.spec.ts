import { STORAGE_KINDS, useTestDatabase } from '../testing';

// The storage port's contract (CONTRIBUTING.md: one suite, every adapter): rows have the same JS
// types on PGlite and PostgreSQL, transactions and scripts behave the same.
describe('SqlClient', () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);

    it('returns BIGSERIAL ids, BIGINT columns and counts as numbers', async () => {
      const { rows } = await db().query(
        `SELECT id, entity_version, (SELECT count(*) FROM dh_device_type) AS n
           FROM dh_network WHERE id = 1`,
      );
      expect(rows).toEqual([{ id: 1, entity_version: 0, n: 8 }]);
    });

    it('returns a BIGINT beyond 2^53 as a bigint instead of rounding it', async () => {
      const { rows } = await db().query('SELECT 9007199254740993::bigint AS big');
      expect(rows[0]).toEqual({ big: BigInt('9007199254740993') });
    });

    it('returns BIGINT arrays as arrays of numbers', async () => {
      const { rows } = await db().query(
        'SELECT array_agg(id ORDER BY id) AS ids FROM dh_device_type WHERE id <= 3',
      );
      expect(rows).toEqual([{ ids: [1, 2, 3] }]);
    });

    it('accepts a number array parameter for = ANY', async () => {
      const { rows } = await db().query(
        'SELECT id FROM dh_device_type WHERE id = ANY($1::bigint[]) ORDER BY id',
        [[2, 4]],
      );
      expect(rows).toEqual([{ id: 2 }, { id: 4 }]);
    });

    it('stores a Date parameter as UTC wall time and reads it back as the same instant', async () => {
      const at = new Date('2018-02-08T15:49:29.123Z');
      const { rows } = await db().query(
        `SELECT $1::timestamp(3) AS at, to_char($1::timestamp(3), 'YYYY-MM-DD HH24:MI:SS.MS') AS text`,
        [at],
      );
      expect(rows).toEqual([{ at, text: '2018-02-08 15:49:29.123' }]);
    });

    it('reads a TIMESTAMP literal as UTC whatever the process time zone', async () => {
      const { rows } = await db().query(
        `SELECT TIMESTAMP '2020-01-02 03:04:05.678' AS at, NULL::timestamp AS never`,
      );
      expect(rows).toEqual([{ at: new Date('2020-01-02T03:04:05.678Z'), never: null }]);
    });

    it('round-trips JSONB objects, booleans and small integers', async () => {
      const { rows } = await db().query(
        `SELECT $1::jsonb AS data, TRUE AS yes, 2::smallint AS role, 7::integer AS attempts`,
        [{ a: [1, 'x'], b: null }],
      );
      expect(rows).toEqual([{ data: { a: [1, 'x'], b: null }, yes: true, role: 2, attempts: 7 }]);
    });

    it('keeps SQL metacharacters in parameters verbatim', async () => {
      const name = `x'); DROP TABLE dh_network; -- "%_\\`;
      await db().query('INSERT INTO dh_network (name) VALUES ($1)', [name]);
      const { rows } = await db().query('SELECT name FROM dh_network WHERE name = $1', [name]);
      expect(rows).toEqual([{ name }]);
    });

    it('reports the number of rows an UPDATE touched', async () => {
      const result = await db().query('UPDATE dh_device_type SET description = description');
      expect(result.rowCount).toBe(8);
    });

    it('reports the number of rows a SELECT returned', async () => {
      const result = await db().query('SELECT id FROM dh_device_type WHERE id <= $1', [3]);
      expect(result.rowCount).toBe(3);
    });

    it('commits a transaction when the work resolves', async () => {
      const id = await db().transaction(async (tx) => {
        const { rows } = await tx.query<{ id: number }>(
          `INSERT INTO dh_network (name) VALUES ('committed') RETURNING id`,
        );
        return rows[0]?.id;
      });
      const { rows } = await db().query('SELECT name FROM dh_network WHERE id = $1', [id]);
      expect(rows).toEqual([{ name: 'committed' }]);
    });

    it('rolls a transaction back when the work throws, and rethrows', async () => {
      const work = db().transaction(async (tx) => {
        await tx.query(`INSERT INTO dh_network (name) VALUES ('rolled back')`);
        await tx.transaction(async (inner) => {
          await inner.query(`INSERT INTO dh_network (name) VALUES ('rolled back too')`);
        });
        throw new Error('abort');
      });
      await expect(work).rejects.toThrow('abort');
      const { rows } = await db().query(
        `SELECT name FROM dh_network WHERE name IN ('rolled back', 'rolled back too')`,
      );
      expect(rows).toEqual([]);
    });

    it('runs a script of several statements', async () => {
      await db().exec(`
        CREATE TABLE contract_probe (n INTEGER);
        INSERT INTO contract_probe VALUES (1), (2);`);
      const { rows } = await db().query('SELECT sum(n)::integer AS total FROM contract_probe');
      expect(rows).toEqual([{ total: 3 }]);
    });

    it('rejects a unique violation with SQLSTATE 23505 and the constraint name', async () => {
      const duplicate = db().query(`INSERT INTO dh_network (name) VALUES ('Sample Network')`);
      await expect(duplicate).rejects.toMatchObject({
        code: '23505',
        constraint: 'dh_network_name_key',
      });
    });
  });
});
