import type { Logger } from '@dh-mqtt/runtime';
import type { Redis } from 'ioredis';
import type { RedisRepliesOptions } from '../kafka/kafka-bus-options';
import { closeConnection, replyConnection } from './reply-connection';
import { replyChannel } from './reply-frame';

export interface RedisReplySubscriberOptions {
  redis: RedisRepliesOptions;
  namespace: string;
  brokerId: string;
  logger: Logger;
  /** Each message of this pod's reply channel, as sent (a reply frame). */
  onMessage(message: string): void;
  /** How long `start()` waits for the subscription before it lets the pod go on (2 000 ms). */
  startWaitMs?: number;
}

/**
 * The broker's end of the Redis reply path (ADR 0013): one connection of its own, subscribed
 * (`SSUBSCRIBE`) to this pod's reply channel from `start()` until `close()`. ioredis subscribes
 * again after every reconnect; while it is not subscribed, gateways see no receiver and send the
 * replies over Kafka.
 */
export class RedisReplySubscriber {
  readonly channel: string;
  private readonly connection: Redis;
  private closed = false;

  constructor(private readonly options: RedisReplySubscriberOptions) {
    this.channel = replyChannel(options.namespace, options.brokerId);
    this.connection = replyConnection(
      options.redis,
      `dh-broker:${options.brokerId}:replies`,
      options.logger,
      () => this.closed,
      // The SSUBSCRIBE of start() waits for a Redis that is still down instead of failing.
      { lazyConnect: true, maxRetriesPerRequest: null },
    );
    this.connection.on('smessage', (_channel: string, message: string) =>
      options.onMessage(message),
    );
  }

  /**
   * Subscribes; resolves once Redis confirmed it, or after `startWaitMs` (logged: the replies go
   * over Kafka until the subscription is in place). Never rejects.
   */
  async start(): Promise<void> {
    // The first command connects (lazyConnect) and waits in the offline queue while Redis is
    // unreachable.
    const subscribed = this.connection.ssubscribe(this.channel).then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.startWaitMs ?? 2_000);
    });
    const ok = await Promise.race([subscribed, waited]).finally(() => clearTimeout(timer));
    if (ok) {
      this.options.logger.info({ channel: this.channel }, 'replies through Redis subscribed');
    } else if (!this.closed) {
      this.options.logger.warn(
        { channel: this.channel },
        'Redis reply channel not subscribed yet; replies come over Kafka until it is',
      );
      // Subscribes once Redis answers (the command waits for the connection).
      void subscribed.then((late) => {
        if (late && !this.closed) {
          this.options.logger.info({ channel: this.channel }, 'replies through Redis subscribed');
        }
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connection.status === 'ready') {
      await this.connection.sunsubscribe(this.channel).catch(() => undefined);
    }
    await closeConnection(this.connection);
  }
}
