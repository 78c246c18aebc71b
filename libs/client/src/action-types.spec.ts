import type { DhClient } from './dh-client';

// Compile-time checks (the typecheck target fails when one breaks); the function never runs.
async function typedPerAction(client: DhClient): Promise<void> {
  const { device } = await client.request('device/get', { deviceId: 'd-1' });
  const name: string = device.name;
  const { count } = await client.request('device/count');
  const total: number = count;
  await client.request('device/list', { take: 5, sortOrder: 'DESC', sortField: 'name' });
  await client.request('notification/list', { deviceId: 'd-1', start: new Date(), end: 1 });
  // @ts-expect-error deviceId is required
  await client.request('device/get', {});
  // @ts-expect-error device/get has a required field, so its body cannot be left out
  await client.request('device/get');
  // @ts-expect-error sortField of device/list is name or network
  await client.request('device/list', { sortField: 'id' });
  // @ts-expect-error not an action
  await client.request('device/frobnicate');
  void [name, total];
}

describe('request types', () => {
  it('are checked by the compiler', () => {
    expect(typeof typedPerAction).toBe('function');
  });
});
