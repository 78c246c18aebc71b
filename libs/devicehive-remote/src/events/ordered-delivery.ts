import type { DeviceEvent } from '@dh-mqtt/protocol';

export interface OrderedDeliveryOptions {
  deliver(event: DeviceEvent): Promise<void>;
  /**
   * Called when preparing (event null) or delivering failed; the same event is tried again after
   * `retryDelay(attempt)`.
   */
  onFailure(error: unknown, event: DeviceEvent | null, attempt: number): void;
  /** Ms before the attempt-th retry. */
  retryDelay(attempt: number): number;
  /** Above this many unsettled events `onPressure(true)`; at half of it `onPressure(false)`. */
  maxInFlight: number;
  onPressure(paused: boolean): void;
}

/**
 * Hands events to `deliver` one device at a time, in the order given (a device's next event waits
 * for the previous one to settle), devices in parallel. A rejected delivery is retried until it
 * succeeds or the queue is stopped: an event is never skipped. Memory: the events of the
 * devices in flight; the caller stops reading (`onPressure(true)`) past `maxInFlight`.
 */
export class OrderedDelivery {
  private readonly tails = new Map<string, Promise<void>>();
  private inFlight = 0;
  private paused = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: OrderedDeliveryOptions) {}

  /** Events accepted and not yet delivered. */
  get pending(): number {
    return this.inFlight;
  }

  /** Queues an event behind its device's earlier ones; `prepare` runs in turn (lookups). */
  push(deviceId: string, prepare: () => Promise<DeviceEvent | null>): void {
    if (this.stopped) return;
    this.inFlight += 1;
    if (!this.paused && this.inFlight >= this.options.maxInFlight) {
      this.paused = true;
      this.options.onPressure(true);
    }
    const previous = this.tails.get(deviceId) ?? Promise.resolve();
    const tail = previous.then(() => this.run(prepare)).finally(() => this.settled(deviceId, tail));
    this.tails.set(deviceId, tail);
  }

  /** Resolves when every queued event has settled. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying and drops what is queued (closing). */
  stop(): void {
    this.stopped = true;
  }

  private async run(prepare: () => Promise<DeviceEvent | null>): Promise<void> {
    let event: DeviceEvent | null = null;
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        event ??= await prepare();
        if (!event) return;
        await this.options.deliver(event);
        return;
      } catch (err) {
        this.options.onFailure(err, event, attempt);
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelay(attempt)));
      }
    }
  }

  private settled(deviceId: string, tail: Promise<void>): void {
    if (this.tails.get(deviceId) === tail) this.tails.delete(deviceId);
    this.inFlight -= 1;
    if (this.paused && this.inFlight <= this.options.maxInFlight / 2) {
      this.paused = false;
      this.options.onPressure(false);
    }
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
