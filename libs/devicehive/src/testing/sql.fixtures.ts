import type { SqlClient } from '../storage/sql-client.port';

/**
 * `sql` with the text of every statement sent through its `query` recorded in order (specs that
 * count the statements a batching writer or reader sends). Statements run inside a transaction it
 * starts are not recorded: they go through the transaction's own client.
 */
export function recordingSql(sql: SqlClient): { client: SqlClient; statements: string[] } {
  const statements: string[] = [];
  const client: SqlClient = {
    query: (text, params) => {
      statements.push(text);
      return sql.query(text, params);
    },
    exec: (text) => sql.exec(text),
    transaction: (work) => sql.transaction(work),
    close: () => sql.close(),
    exclusive: sql.exclusive,
  };
  return { client, statements };
}
