import { buildRequestEnvelope } from '@dh-mqtt/bus/testing';
import type { ReplyEnvelope } from '@dh-mqtt/bus';
import { silentLogger } from '@dh-mqtt/runtime';
import { FakeBrokerBus, replyTo } from '../testing';
import { drainRequests, drainable } from './request-drain';

/** A bus whose replies wait until the test releases them. */
function heldBus() {
  const inner = new FakeBrokerBus();
  const release: Array<() => void> = [];
  inner.handler = (envelope) =>
    new Promise<ReplyEnvelope>((resolve) => release.push(() => resolve(replyTo(envelope))));
  return { bus: drainable(inner), release };
}

describe(drainable.name, () => {
  it('counts the requests waiting for their reply', async () => {
    const { bus, release } = heldBus();
    const first = bus.request(buildRequestEnvelope());
    const second = bus.request(buildRequestEnvelope());
    expect(bus.inFlight()).toBe(2);
    release.shift()?.();
    await first;
    expect(bus.inFlight()).toBe(1);
    release.shift()?.();
    await second;
    expect(bus.inFlight()).toBe(0);
  });

  it('says drained once the last reply is in, and not when the time runs out first', async () => {
    const { bus, release } = heldBus();
    const request = bus.request(buildRequestEnvelope());
    expect(await bus.drained(20)).toBe(false);
    const drained = bus.drained(5_000);
    release.shift()?.();
    await request;
    expect(await drained).toBe(true);
  });
});

describe(drainRequests.name, () => {
  it('returns at once when nothing is in flight', async () => {
    const { bus } = heldBus();
    const started = Date.now();
    await drainRequests(
      bus,
      { requestTimeoutMs: 5_000, shutdownTimeoutMs: 10_000 },
      silentLogger(),
    );
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('gives up after the request timeout when a reply never comes', async () => {
    const { bus } = heldBus();
    void bus.request(buildRequestEnvelope());
    const started = Date.now();
    await drainRequests(bus, { requestTimeoutMs: 100, shutdownTimeoutMs: 10_000 }, silentLogger());
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(bus.inFlight()).toBe(1);
  });
});
