import type { DestinationStream } from 'pino';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every line has, shown in the head of the line (or not at all). */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * A pino destination for people (`DH_LOG_FORMAT=pretty`, the default on a terminal): one line per
 * record, `HH:mm:ss.SSS LEVEL name: message key=value …` (UTC), errors with their stack below.
 * Takes pino's JSON lines, so redaction has already happened.
 */
export function prettyStream(out: { write(text: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      out.write(formatPretty(line));
    },
  };
}

/** One JSON log line as a readable line (unparseable input passes unchanged). */
export function formatPretty(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const time =
    typeof record['time'] === 'number' ? new Date(record['time']).toISOString().slice(11, 23) : '';
  const level = LEVEL_NAMES[record['level'] as number] ?? String(record['level']);
  const name = typeof record['name'] === 'string' ? `${record['name']}: ` : '';
  let text = `${time} ${level} ${name}${String(record['msg'] ?? '')}`;
  let stack = '';
  for (const [key, value] of Object.entries(record)) {
    if (HEAD_FIELDS.has(key) || value === undefined) continue;
    if (key === 'err' && typeof value === 'object' && value !== null) {
      const err = value as { message?: string; stack?: string };
      text += ` err=${JSON.stringify(err.message ?? '')}`;
      if (err.stack) stack = `\n    ${err.stack.split('\n').join('\n    ')}`;
      continue;
    }
    text += ` ${key}=${typeof value === 'string' && !/[\s"=]/.test(value) ? value : JSON.stringify(value)}`;
  }
  return `${text}${stack}\n`;
}
