import { backoffDelay, type Logger } from '@dh-mqtt/runtime';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisRepliesOptions } from '../kafka/kafka-bus-options';

/** The URL without its password, for log lines (secrets are never logged). */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * A Redis connection of the reply path (ADR 0013): reconnects with capped backoff until
 * `isClosed()`, logs the first failure and every tenth (a Redis that is down is one clear line,
 * not a flood) and the recovery.
 */
export function replyConnection(
  options: RedisRepliesOptions,
  name: string,
  logger: Logger,
  isClosed: () => boolean,
  extra: RedisOptions = {},
): Redis {
  const backoff = {
    initialMs: options.retry?.initialMs ?? 200,
    maxMs: options.retry?.maxMs ?? 5_000,
  };
  const where = redactedRedisUrl(options.url);
  const connection = new Redis(options.url, {
    connectionName: name,
    retryStrategy: (attempt) => (isClosed() ? null : backoffDelay(backoff, attempt)),
    ...extra,
  });
  let failures = 0;
  connection.on('error', (err: Error) => {
    failures += 1;
    if (failures === 1 || failures % 10 === 0) {
      logger.warn(
        { redis: where, failures, err: err.message },
        'Redis unreachable for replies; they go over Kafka meanwhile',
      );
    }
  });
  connection.on('ready', () => {
    if (failures > 0) logger.info({ redis: where }, 'Redis reachable again for replies');
    failures = 0;
  });
  return connection;
}

/** Closes `connection` politely within `ms`, then cuts it (a close must never hang). */
export async function closeConnection(connection: Redis, ms = 1_000): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.quit().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]).finally(() => clearTimeout(timer));
  }
  if (connection.status !== 'end') connection.disconnect();
}
