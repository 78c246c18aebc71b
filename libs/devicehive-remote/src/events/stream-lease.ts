import type {
  RemoteEventStream,
  RemoteEventStreamOptions,
  RemoteLogger,
} from './remote-event-stream.port';

/** How far back a pod that takes the stream over catches up when it saw no event itself. */
export const DEFAULT_TAKEOVER_WINDOW_MS = 60_000;

export interface LeasedEventStreamOptions {
  /** A new stream catching up from `since` (remote clock, epoch ms). */
  create(since: number): RemoteEventStream;
  logger: RemoteLogger;
  /** Default 60 s: within the Java server's 120 s event store, wider than a lease hand-over. */
  takeoverWindowMs?: number;
  now?: () => number;
}

/**
 * The remote event stream of a cluster pod, run only while the pod holds the deployment's lease
 * (docs/adr/0015; the lease is the bus's `createKafkaLease`, wired by the app): `acquire()` starts
 * a stream that first catches up from the last event this pod saw, or from `takeoverWindowMs`
 * ago, so that what the previous holder had not handed on yet is not lost; the copies this makes
 * are dropped by the brokers' content-hash dedup. `release()` closes it. Acquire and release are
 * called one after the other (the lease serialises them).
 */
export class LeasedEventStream {
  private stream: RemoteEventStream | null = null;
  private lastEventAt: number | null = null;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LeasedEventStreamOptions) {
    this.windowMs = options.takeoverWindowMs ?? DEFAULT_TAKEOVER_WINDOW_MS;
    this.now = options.now ?? Date.now;
  }

  /** Starts the stream (does not wait for the first connection: readiness tells). */
  acquire(): void {
    if (this.stream) return;
    const since = Math.max(this.lastEventAt ?? 0, this.now() - this.windowMs);
    const stream = this.options.create(since);
    this.stream = stream;
    this.options.logger.info(
      { since: new Date(since).toISOString() },
      'remote event stream: lease held, starting',
    );
    stream.start().catch((err: unknown) => {
      if (this.stream === stream) {
        this.options.logger.warn({ err: String(err) }, 'remote event stream did not start');
      }
    });
  }

  async release(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    this.lastEventAt = stream.lastEventAt() ?? this.lastEventAt;
    await stream.close();
    this.options.logger.info({}, 'remote event stream: lease released, stopped');
  }

  holding(): boolean {
    return this.stream !== null;
  }

  /** Readiness: a pod that does not hold the lease has nothing to be connected to. */
  isReady(): boolean {
    return this.stream === null || this.stream.isConnected();
  }
}

/** A lease as the stream needs it (the bus's `KafkaLease`, built with these hooks). */
export interface StreamLease {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type StreamLeaseFactory = (hooks: {
  onAcquired(): void;
  onReleased(): Promise<void>;
}) => StreamLease;

/**
 * A stream factory for `openRemoteBackend` whose stream runs only while this pod holds the lease
 * (docs/adr/0015): `start()` joins the lease's group, `isConnected()` is the pod's readiness
 * (true while another pod holds the lease), `close()` leaves the group and stops the stream.
 */
export function leasedStreamFactory(
  lease: StreamLeaseFactory,
  create: (options: RemoteEventStreamOptions) => RemoteEventStream,
): (options: RemoteEventStreamOptions) => RemoteEventStream {
  return (options) => {
    const leased = new LeasedEventStream({
      create: (since) => create({ ...options, since }),
      logger: options.logger,
    });
    const held = lease({ onAcquired: () => leased.acquire(), onReleased: () => leased.release() });
    return {
      start: () => held.start(),
      isConnected: () => leased.isReady(),
      lastEventAt: () => null,
      close: async () => {
        await held.stop();
        await leased.release();
      },
    };
  };
}
