/**
 * The storage port of the core: a minimal SQL client that PostgreSQL (`pg`) and PGlite both
 * implement. Services write portable PostgreSQL SQL (PGlite is PG 18, Debian's server PG 15)
 * with `$1`-style parameters.
 */
export interface SqlClient {
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: Row[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * True when this process is the database's only client (PGlite: one process opens a data
   * directory), so in-process caches of rows stay correct when this process's own writes
   * invalidate them. Absent or false for a shared server (PostgreSQL).
   */
  readonly exclusive?: boolean;
}
