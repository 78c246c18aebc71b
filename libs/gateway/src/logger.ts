import { Logger } from '@nestjs/common';

/**
 * The logging the gateway needs, shaped like pino's `(fields, message)` so a pino logger fits
 * as is. Fields are structured data (action, client id, error); secrets never go in them.
 */
export interface GatewayLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A GatewayLogger writing through NestJS' Logger (the default when none is given). */
export function nestGatewayLogger(context = 'Gateway'): GatewayLogger {
  const logger = new Logger(context);
  const line = (fields: Record<string, unknown>, message: string) =>
    `${message} ${JSON.stringify(fields, (_key, value: unknown) =>
      value instanceof Error
        ? { name: value.name, message: value.message, stack: value.stack }
        : value,
    )}`;
  return {
    info: (fields, message) => logger.log(line(fields, message)),
    warn: (fields, message) => logger.warn(line(fields, message)),
    error: (fields, message) => logger.error(line(fields, message)),
  };
}
