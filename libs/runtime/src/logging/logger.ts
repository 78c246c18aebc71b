import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from '../config/config';

/** The structured logger every lib takes as a dependency (pino's API). */
export type Logger = PinoLogger;

/**
 * Field names whose values never reach a log line (mqtt-api.md §7, DESIGN.md §6): matched at the
 * top level and up to three levels down (pino's redaction works on explicit paths).
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
}

/**
 * A JSON logger with secret fields replaced by `[Redacted]`. Callers keep secrets out of message
 * strings; redaction covers the structured fields.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: { paths: redactPaths(), censor: '[Redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that writes nothing (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
