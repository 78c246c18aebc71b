import type { Logger } from '@dh-mqtt/runtime';
import type { ReplyFallbackReason } from '../kafka/kafka-bus-options';

const WHY: Record<ReplyFallbackReason, string> = {
  no_receiver: 'no subscriber on the pod’s reply channel (pod gone, starting or reconnecting)',
  redis_error: 'Redis failed or did not answer in time',
  redis_down: 'Redis is not connected, or failed less than a second ago',
};

/**
 * The gateway's warning when replies go over Kafka instead of Redis (ADR 0013), at most one line
 * per reason every `everyMs` (10 s), with how many fell back since the last line: an outage is a
 * line every ten seconds, not one per reply.
 */
export class FallbackLog {
  private readonly last = new Map<ReplyFallbackReason, { at: number; since: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(reason: ReplyFallbackReason, brokerId: string): void {
    const seen = this.last.get(reason);
    const now = this.now();
    if (seen && now - seen.at < this.everyMs) {
      seen.since += 1;
      return;
    }
    this.logger.warn(
      { reason, brokerId, fallbacksSinceLastLine: seen?.since ?? 0 },
      `reply sent over Kafka: ${WHY[reason]}`,
    );
    this.last.set(reason, { at: now, since: 0 });
  }
}
