import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogFormat, LogLevel } from '../config/config';
import { prettyStream } from './pretty-stream';

/** The structured logger every lib takes as a dependency (pino's API). */
export type Logger = PinoLogger;

/**
 * Field names whose values never reach a log line (docs/reliability.md, docs/design.md): matched at
 * the top level and up to three levels down (pino's redaction works on explicit paths).
 */
export const REDACTED_KEYS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'jwtSecret',
  'adminPassword',
  'authorization',
  'databaseUrl',
  'redisUrl',
  'sasl',
] as const;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    paths.push(key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`);
  }
  return paths;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Process role, logged as `name` (`standalone`, `broker`, `gateway`). */
  name: string;
  /** Where lines go; stdout by default (tests pass a stream to inspect them). */
  destination?: DestinationStream;
  /**
   * `json` (one object per line, for collectors) or `pretty` (for people); unset: pretty when
   * stdout is a terminal, JSON otherwise (`DH_LOG_FORMAT`).
   */
  format?: LogFormat;
  /** Whether the output is a terminal; `process.stdout.isTTY` (false with a `destination`). */
  isTty?: boolean;
}

/**
 * A JSON logger (or a readable one, see `format`) with secret fields replaced by `[Redacted]`.
 * Callers keep secrets out of message strings; redaction covers the structured fields.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths(), censor: '[Redacted]' },
      base: { pid: process.pid },
    },
    destinationOf(options),
  );
}

function destinationOf(options: LoggerOptions): DestinationStream {
  // A terminal gets readable lines unless told otherwise; a given destination is not stdout.
  const tty = options.isTty ?? (options.destination ? false : process.stdout.isTTY === true);
  const pretty = (options.format ?? (tty ? 'pretty' : 'json')) === 'pretty';
  if (!pretty) return options.destination ?? pino.destination({ sync: false });
  return prettyStream(options.destination ?? process.stdout);
}

/** A logger that writes nothing (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
