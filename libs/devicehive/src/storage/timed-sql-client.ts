import { performance } from 'node:perf_hooks';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { SqlClient } from './sql-client.port';

/** The `operation` label: the statement's first keyword (bounded). */
const OPERATIONS = ['select', 'insert', 'update', 'delete', 'other'] as const;

/** Seconds: an indexed read (~0.1 ms on PGlite) to a stuck lock. */
const STATEMENT_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

type HistogramChild = ReturnType<Histogram<string>['labels']>;

/** Connection counts of a pool (`pg`); absent for PGlite (one connection in process). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** A client that can report its pool (the PostgreSQL adapter). */
export interface PooledSqlClient extends SqlClient {
  poolStats(): PoolStats;
}

/**
 * `sql` with every statement timed into `dh_db_statement_duration_seconds{operation}` and, for a
 * pool, `dh_db_pool_connections{state}` (total, idle, waiting clients) read at scrape time.
 * Transactions time their statements too; migrations (`exec`) are not timed.
 */
export function timeStatements(sql: SqlClient, registry: Registry): SqlClient {
  const histogram = new Histogram({
    name: 'dh_db_statement_duration_seconds',
    help: 'Time of one SQL statement, by its first keyword',
    labelNames: ['operation'],
    buckets: STATEMENT_BUCKETS,
    registers: [registry],
  });
  for (const operation of OPERATIONS) histogram.zero({ operation });
  const children = OPERATIONS.map((operation) => histogram.labels(operation));
  const pooled = sql as Partial<PooledSqlClient>;
  if (typeof pooled.poolStats === 'function') {
    const stats = pooled.poolStats.bind(sql);
    new Gauge({
      name: 'dh_db_pool_connections',
      help: 'Connections of the PostgreSQL pool (total, idle) and clients waiting for one',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const { total, idle, waiting } = stats();
        this.set({ state: 'total' }, total);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'waiting' }, waiting);
      },
    });
  }
  return timed(sql, children);
}

function timed(sql: SqlClient, children: HistogramChild[]): SqlClient {
  return {
    get exclusive() {
      return sql.exclusive;
    },
    async query(text, params) {
      const started = performance.now();
      try {
        return await sql.query(text, params);
      } finally {
        children[operationOf(text)].observe((performance.now() - started) / 1000);
      }
    },
    exec: (text) => sql.exec(text),
    transaction: (work) => sql.transaction((tx) => work(timed(tx, children))),
    close: () => sql.close(),
  } as SqlClient;
}

/** Index in {@link OPERATIONS} of the statement's first keyword; no string is built. */
export function operationOf(text: string): number {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  for (let k = 0; k < 4; k++) {
    const word = OPERATIONS[k];
    if (text.length - i >= word.length && text.substr(i, word.length).toLowerCase() === word) {
      return k;
    }
  }
  return 4;
}
