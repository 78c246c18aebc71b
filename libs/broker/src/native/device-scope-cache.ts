import { TtlCache } from '@dh-mqtt/runtime';

/** How long a confirmed match of topic levels to a device is trusted (ms). */
export const DEVICE_SCOPE_TTL_MS = 2_000;
/** Most remembered matches; the oldest go first. */
const MAX_ENTRIES = 10_000;

/**
 * Recent confirmations that a native topic's network and device type are the device's, per
 * principal (user) and device, so a device publishing a stream of notifications costs one
 * `device/get` lookup every {@link DEVICE_SCOPE_TTL_MS} instead of one per publish. Only
 * matches are remembered: a mismatch is always confirmed by a fresh lookup. What the cache
 * skips is the level check alone; the action itself still runs with the session's principal and
 * its own access checks. A device moved to another network within the TTL is inserted for on
 * its new network, as when it moves between the lookup and the action (README, "Native
 * publishing").
 */
export class DeviceScopeCache {
  private readonly matches: TtlCache<string, true>;

  constructor(now: () => number = Date.now) {
    this.matches = new TtlCache(MAX_ENTRIES, DEVICE_SCOPE_TTL_MS, now);
  }

  /** Whether `key` (see {@link deviceScopeKey}) matched within the TTL. */
  has(key: string): boolean {
    return this.matches.get(key) === true;
  }

  remember(key: string): void {
    this.matches.set(key, true);
  }
}

/** The cache key of a principal (by user id) publishing on a device's topic levels. */
export function deviceScopeKey(
  userId: number | null,
  deviceId: string,
  networkId: number,
  deviceTypeId: number,
): string {
  return JSON.stringify([userId, deviceId, networkId, deviceTypeId]);
}
