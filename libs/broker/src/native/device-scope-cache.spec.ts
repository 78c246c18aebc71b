import { DEVICE_SCOPE_TTL_MS, DeviceScopeCache, deviceScopeKey } from './device-scope-cache';

describe(DeviceScopeCache.name, () => {
  let now = 0;
  const cache = () => new DeviceScopeCache(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('trusts a remembered match until the TTL has passed', () => {
    const scopes = cache();
    const key = deviceScopeKey(7, 'dev-1', 1, 2);
    expect(scopes.has(key)).toBe(false);

    scopes.remember(key);
    now += DEVICE_SCOPE_TTL_MS - 1;
    expect(scopes.has(key)).toBe(true);
    now += 1;
    expect(scopes.has(key)).toBe(false);
  });

  it('keeps users, devices and levels apart', () => {
    const scopes = cache();
    scopes.remember(deviceScopeKey(7, 'dev-1', 1, 2));

    expect(scopes.has(deviceScopeKey(8, 'dev-1', 1, 2))).toBe(false);
    expect(scopes.has(deviceScopeKey(7, 'dev-2', 1, 2))).toBe(false);
    expect(scopes.has(deviceScopeKey(7, 'dev-1', 3, 2))).toBe(false);
    expect(scopes.has(deviceScopeKey(7, 'dev-1', 1, 3))).toBe(false);
    // Ids that would run together in a plain concatenation stay distinct.
    scopes.remember(deviceScopeKey(7, 'a', 11, 2));
    expect(scopes.has(deviceScopeKey(7, 'a1', 1, 2))).toBe(false);
  });

  it('forgets the oldest match past 10,000', () => {
    const scopes = cache();
    for (let i = 0; i <= 10_000; i++) scopes.remember(deviceScopeKey(1, `d${i}`, 1, 1));

    expect(scopes.has(deviceScopeKey(1, 'd0', 1, 1))).toBe(false);
    expect(scopes.has(deviceScopeKey(1, 'd1', 1, 1))).toBe(true);
    expect(scopes.has(deviceScopeKey(1, 'd10000', 1, 1))).toBe(true);
  });
});
