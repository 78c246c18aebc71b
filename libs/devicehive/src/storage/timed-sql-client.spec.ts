import { Registry } from 'prom-client';
import type { SqlClient } from './sql-client.port';
import { operationOf, timeStatements } from './timed-sql-client';

/** A SQL client that answers every statement with no rows, with a pool of fixed counts. */
function fakeClient(pool?: { total: number; idle: number; waiting: number }): SqlClient {
  const client: SqlClient & { poolStats?: () => typeof pool } = {
    query: async () => ({ rows: [], rowCount: 0 }),
    exec: async () => undefined,
    transaction: (work) => work(client),
    close: async () => undefined,
  };
  if (pool) client.poolStats = () => pool;
  return client;
}

describe(timeStatements.name, () => {
  it('times every statement by its first keyword, inside transactions too', async () => {
    const registry = new Registry();
    const sql = timeStatements(fakeClient(), registry);
    await sql.query('SELECT 1');
    await sql.query('\n  insert into t values ($1)', [1]);
    await sql.transaction(async (tx) => {
      await tx.query('UPDATE t SET a = 1');
      await tx.query('WITH x AS (SELECT 1) SELECT * FROM x');
    });
    const text = await registry.metrics();
    for (const operation of ['select', 'insert', 'update', 'other']) {
      expect(text).toContain(`dh_db_statement_duration_seconds_count{operation="${operation}"} 1`);
    }
    expect(text).toContain('dh_db_statement_duration_seconds_count{operation="delete"} 0');
  });

  it('reports the pool of a PostgreSQL client, and none for PGlite', async () => {
    const pooled = new Registry();
    timeStatements(fakeClient({ total: 10, idle: 7, waiting: 2 }), pooled);
    const text = await pooled.metrics();
    expect(text).toContain('dh_db_pool_connections{state="total"} 10');
    expect(text).toContain('dh_db_pool_connections{state="waiting"} 2');
    const single = new Registry();
    timeStatements(fakeClient(), single);
    expect(await single.metrics()).not.toContain('dh_db_pool_connections');
  });
});

describe(operationOf.name, () => {
  it.each([
    ['SELECT * FROM t', 0],
    ['  select 1', 0],
    ['INSERT INTO t', 1],
    ['Update t set', 2],
    ['DELETE FROM t', 3],
    ['WITH x AS (SELECT 1) SELECT 1', 4],
    ['', 4],
  ])('classifies %j as operation %i', (sql, index) => {
    expect(operationOf(sql)).toBe(index);
  });
});
