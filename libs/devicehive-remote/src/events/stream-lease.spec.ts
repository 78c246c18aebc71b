import { Registry } from 'prom-client';
import { createRemoteEventStream } from './remote-event-stream';
import type { RemoteEventStream } from './remote-event-stream.port';
import { LeasedEventStream, leasedStreamFactory } from './stream-lease';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

class FakeStream implements RemoteEventStream {
  connected = false;
  closed = false;
  last: number | null = null;
  constructor(readonly since: number) {}
  start = () => Promise.resolve();
  isConnected = () => this.connected;
  lastEventAt = () => this.last;
  close = async () => void (this.closed = true);
}

describe(LeasedEventStream.name, () => {
  it('runs a stream only while the lease is held, catching up from the takeover window first', async () => {
    const streams: FakeStream[] = [];
    const leased = new LeasedEventStream({
      create: (since) => {
        const stream = new FakeStream(since);
        streams.push(stream);
        return stream;
      },
      logger: silent,
      takeoverWindowMs: 60_000,
      now: () => 1_000_000,
    });
    expect(leased.holding()).toBe(false);
    expect(leased.isReady()).toBe(true);
    leased.acquire();
    leased.acquire();
    expect(streams.map((s) => s.since)).toEqual([940_000]);
    expect(leased.isReady()).toBe(false);
    streams[0].connected = true;
    expect(leased.isReady()).toBe(true);
    streams[0].last = 990_000;
    await leased.release();
    expect(streams[0].closed).toBe(true);
    expect(leased.holding()).toBe(false);
    // Held again: from the last event this pod saw, when it is within the window.
    leased.acquire();
    expect(streams[1].since).toBe(990_000);
  });
});

describe('streams built one after another on one registry (a lease held again)', () => {
  it('share their metrics instead of registering them twice', () => {
    const registry = new Registry();
    const build = () =>
      createRemoteEventStream({
        endpoints: {
          restUrl: 'http://127.0.0.1:1',
          authUrl: 'http://127.0.0.1:1',
          wsUrl: 'ws://127.0.0.1:1',
        },
        credentials: { refreshToken: 'r' },
        onEvent: async () => undefined,
        logger: silent,
        registry,
      });
    expect(() => [build(), build()]).not.toThrow();
    expect(registry.getSingleMetric('dh_remote_stream_connected')).toBeDefined();
  });
});

describe(leasedStreamFactory.name, () => {
  it('runs the stream only while the lease is held, ready meanwhile, and leaves on close', async () => {
    const built: FakeStream[] = [];
    let hooks: { onAcquired(): void; onReleased(): Promise<void> } | undefined;
    const lease = { started: false, stopped: false };
    const factory = leasedStreamFactory(
      (given) => {
        hooks = given;
        return {
          start: async () => void (lease.started = true),
          stop: async () => {
            lease.stopped = true;
            await given.onReleased();
          },
        };
      },
      (options) => {
        const stream = new FakeStream(options.since ?? -1);
        built.push(stream);
        return stream;
      },
    );
    const stream = factory({
      endpoints: { restUrl: '', authUrl: '', wsUrl: '' },
      credentials: { refreshToken: 'r' },
      onEvent: async () => undefined,
      logger: silent,
    });
    await stream.start();
    expect(lease.started).toBe(true);
    expect([built.length, stream.isConnected()]).toEqual([0, true]);
    hooks!.onAcquired();
    expect(built).toHaveLength(1);
    expect(built[0].since).toBeGreaterThan(Date.now() - 61_000);
    expect(stream.isConnected()).toBe(false);
    built[0].connected = true;
    expect(stream.isConnected()).toBe(true);
    await stream.close();
    expect([lease.stopped, built[0].closed]).toEqual([true, true]);
  });
});
