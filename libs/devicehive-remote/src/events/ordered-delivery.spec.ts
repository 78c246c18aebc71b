import type { DeviceEvent } from '@dh-mqtt/protocol';
import { OrderedDelivery } from './ordered-delivery';

const event = (deviceId: string, id: number): DeviceEvent => ({
  kind: 'notification/insert',
  deviceId,
  networkId: 1,
  deviceTypeId: 1,
  name: 'n',
  data: { id },
});

describe('OrderedDelivery', () => {
  it('keeps each device in order while devices run side by side', async () => {
    const log: string[] = [];
    const delivery = new OrderedDelivery({
      deliver: async (e) => {
        log.push(`start ${e.deviceId}${String(e.data['id'])}`);
        await new Promise((r) => setTimeout(r, e.deviceId === 'a' ? 30 : 5));
        log.push(`end ${e.deviceId}${String(e.data['id'])}`);
      },
      onFailure: () => undefined,
      retryDelay: () => 1,
      maxInFlight: 100,
      onPressure: () => undefined,
    });
    delivery.push('a', async () => event('a', 1));
    delivery.push('a', async () => event('a', 2));
    delivery.push('b', async () => event('b', 1));
    await delivery.idle();
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    // b did not wait for a.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('retries a rejected event until it is taken, without skipping to the next', async () => {
    const taken: number[] = [];
    let failures = 0;
    const reported: number[] = [];
    const delivery = new OrderedDelivery({
      deliver: async (e) => {
        if (e.data['id'] === 1 && failures++ < 2) throw new Error('bus down');
        taken.push(e.data['id'] as number);
      },
      onFailure: (_err, _e, attempt) => reported.push(attempt),
      retryDelay: () => 1,
      maxInFlight: 100,
      onPressure: () => undefined,
    });
    delivery.push('a', async () => event('a', 1));
    delivery.push('a', async () => event('a', 2));
    await delivery.idle();
    expect(taken).toEqual([1, 2]);
    expect(reported).toEqual([1, 2]);
  });

  it('drops an event its preparation turns down (null)', async () => {
    const taken: number[] = [];
    const delivery = new OrderedDelivery({
      deliver: async (e) => void taken.push(e.data['id'] as number),
      onFailure: () => undefined,
      retryDelay: () => 1,
      maxInFlight: 100,
      onPressure: () => undefined,
    });
    delivery.push('a', async () => null);
    delivery.push('a', async () => event('a', 2));
    await delivery.idle();
    expect(taken).toEqual([2]);
  });

  it('asks to pause past maxInFlight and to resume at half of it', async () => {
    const pressure: boolean[] = [];
    const gates: Array<() => void> = [];
    const delivery = new OrderedDelivery({
      deliver: () => new Promise<void>((resolve) => gates.push(resolve)),
      onFailure: () => undefined,
      retryDelay: () => 1,
      maxInFlight: 4,
      onPressure: (paused) => pressure.push(paused),
    });
    for (let i = 0; i < 4; i += 1) delivery.push(`d${i}`, async () => event(`d${i}`, i));
    expect(pressure).toEqual([true]);
    expect(delivery.pending).toBe(4);
    await new Promise((r) => setTimeout(r, 5));
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(pressure).toEqual([true]);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 5));
    expect(pressure).toEqual([true, false]);
    for (const open of gates.splice(0)) open();
    await delivery.idle();
  });
});
