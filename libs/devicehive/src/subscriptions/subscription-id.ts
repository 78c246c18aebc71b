import { randomInt } from 'node:crypto';

/**
 * Makes subscription ids the way the reference does (docs/api/subscriptions.md): milliseconds ×
 * 1000 plus a three-digit counter, a 16-digit JSON number safe in JS doubles. Ids of one generator
 * are strictly increasing, so unique within the process; more than 1000 per millisecond borrow from
 * the next millisecond. Each generator starts its counter at a random `lane`, so two gateway pods
 * minting ids in the same millisecond collide only with probability ~1/1000 — and only matters
 * when both ids land on the same MQTT session.
 */
export class SubscriptionIdGenerator {
  private last = 0;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly lane: number = randomInt(1000),
  ) {
    if (!Number.isInteger(lane) || lane < 0 || lane > 999) {
      throw new RangeError(`lane must be an integer in 0..999, got ${lane}`);
    }
  }

  next(): number {
    const candidate = Math.trunc(this.clock()) * 1000 + this.lane;
    this.last = Math.max(candidate, this.last + 1);
    return this.last;
  }
}

/** The process-wide generator used by the subscribe actions. */
export const subscriptionIds = new SubscriptionIdGenerator();
