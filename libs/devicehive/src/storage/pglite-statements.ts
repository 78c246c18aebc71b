import type { parse, PGlite, protocol, Results } from '@electric-sql/pglite' with {
  'resolution-mode': 'import',
};

/** What this module uses of `@electric-sql/pglite` (loaded by the caller: it is ESM-only). */
export interface PgliteProtocol {
  protocol: typeof protocol;
  parse: typeof parse;
}

/** Prepared statements kept per PGlite instance by default (least recently used closed first). */
export const PGLITE_PREPARED_STATEMENTS = 100;

/** `cached plan must not change result type`: a table of a prepared statement changed shape. */
const PLAN_CHANGED = '0A000';

/**
 * Runs parameterised statements on PGlite in ONE call into PostgreSQL each, and parses each SQL
 * text once (docs/performance.md §3, "PGlite statements in one call and prepared once").
 *
 * PGlite's own `query()` enters the WebAssembly backend six times per statement (Parse, Describe
 * statement, Bind, Describe portal, Execute, Sync), and PostgreSQL parses and plans the text every
 * time. Here the messages go in one buffer, and each SQL text becomes a named prepared statement
 * on first use: later calls send Bind, Describe portal, Execute and Sync only. The rows are built by
 * PGlite's own result parser with the instance's type parsers, so they are what `query()` returns.
 *
 * - Parameters are sent as text by JS type, as the `pg` driver sends them (the two adapters share
 *   one contract suite): null/undefined → NULL; arrays → array literals (elements quoted,
 *   `"` and `\` escaped, nested arrays kept); Date → ISO-8601; other objects → JSON; byte arrays
 *   → binary; anything else → `String(value)`. PostgreSQL infers each parameter's type from the
 *   statement, as it did for `query()`.
 * - At most `capacity` statements stay prepared: a new one closes the least recently used one in
 *   the same call.
 * - A statement whose tables changed shape since it was prepared (`0A000`, e.g. a column added
 *   under `SELECT *`) is prepared again and run once more; any other error is thrown as PGlite's
 *   `DatabaseError` (SQLSTATE `code`, `constraint`, `detail`, ...), without the parameters.
 *
 * The caller serialises calls with every other use of the connection (transactions, scripts).
 */
export class PgliteStatements {
  /** SQL text → statement name, least recently used first. */
  private readonly prepared = new Map<string, string>();
  /** Statements to close with the next call (one whose table changed shape). */
  private readonly closing: string[] = [];
  private sequence = 0;

  constructor(
    private readonly db: PGlite,
    private readonly lib: PgliteProtocol,
    private readonly capacity = PGLITE_PREPARED_STATEMENTS,
  ) {}

  /**
   * Runs `text` with `params`; `syncToFs` as in PGlite's `execProtocol` (true outside a
   * transaction, as `query()` does).
   */
  async run<Row>(
    text: string,
    params: readonly unknown[],
    syncToFs: boolean,
  ): Promise<Results<Row>> {
    if (this.db.closed) throw new Error('PGlite is closed');
    const values = params.map(paramValue);
    try {
      return await this.call<Row>(text, values, syncToFs);
    } catch (error) {
      if (sqlStateOf(error) !== PLAN_CHANGED || !this.prepared.has(text)) throw error;
      this.forget(text);
      return this.call<Row>(text, values, syncToFs);
    }
  }

  private async call<Row>(
    text: string,
    values: Array<string | Uint8Array | null>,
    syncToFs: boolean,
  ): Promise<Results<Row>> {
    const { serialize } = this.lib.protocol;
    let name = this.prepared.get(text);
    const fresh = name === undefined;
    if (name === undefined) {
      // Room for it first: the least recently used statement is closed in this same call.
      for (const oldest of this.prepared.keys()) {
        if (this.prepared.size < this.capacity) break;
        this.forget(oldest);
      }
      this.sequence += 1;
      name = `dh_s${this.sequence}`;
    } else {
      // Most recently used last.
      this.prepared.delete(text);
      this.prepared.set(text, name);
    }
    const parts = this.closing.map((closed) => serialize.close({ type: 'S', name: closed }));
    this.closing.length = 0;
    if (fresh) parts.push(serialize.parse({ name, text }));
    parts.push(
      serialize.bind({ statement: name, values }),
      serialize.describe({ type: 'P' }),
      serialize.execute({}),
      serialize.sync(),
    );
    const { messages } = await this.db.execProtocol(concat(parts), {
      syncToFs,
      throwOnError: false,
    });
    // The statement exists once PostgreSQL parsed it, even when a later step failed.
    if (fresh && messages.some((message) => message.name === 'parseComplete')) {
      this.prepared.set(text, name);
    }
    const failure = messages.find((message) => message.name === 'error');
    if (failure) throw failure;
    return this.lib.parse.parseResults(messages, this.db.parsers)[0] as Results<Row>;
  }

  private forget(text: string): void {
    const name = this.prepared.get(text);
    if (name === undefined) return;
    this.prepared.delete(text);
    this.closing.push(name);
  }
}

function sqlStateOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** One parameter as the Bind message carries it: text, bytes (binary) or null. */
function paramValue(value: unknown): string | Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) return arrayLiteral(value);
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A PostgreSQL array literal: `{"a","b\"c",NULL,{"1","2"}}`. */
function arrayLiteral(items: readonly unknown[]): string {
  const elements = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    const text = ArrayBuffer.isView(item)
      ? `\\x${Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex')}`
      : scalarText(item);
    return `"${text.replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}
