import { writesOf, type ActionName } from '@dh-mqtt/protocol';
import { findDeviceById, type DeviceRecord } from '../repositories/device.repository';
import type { SqlClient } from '../storage/sql-client.port';
import type { DeviceReader } from './device-lookups';

/**
 * Whether `action` may change devices (the catalog's `writes: 'anything'`: a dh_device row, or the
 * networks and device types devices cascade from), so the device cache must forget what it holds.
 * An action added later is `anything` unless its catalog entry says otherwise.
 */
export function invalidatesDevices(action: ActionName): boolean {
  return writesOf(action) === 'anything';
}

/** Upper bound of cached devices; beyond it the oldest entry goes (telemetry reuses few ids). */
const MAX_ENTRIES = 10_000;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Devices by id for the target check and the event actions (one SELECT saved per insert).
 *
 * Only correct while this process is the database's only writer (`SqlClient.exclusive`: PGlite):
 * `invalidate()` runs after every action that may change devices (see `invalidatesDevices`), and a
 * lookup that overlapped an invalidation does not store its row, so no read older than a completed
 * device write is served afterwards. Another process's writes (PostgreSQL, the cluster) are not
 * seen, hence no cache there. Cached records are frozen: callers share them. Unknown ids are not
 * cached.
 */
export class DeviceCache implements DeviceReader {
  private readonly entries = new Map<string, DeviceRecord>();
  /**
   * Reads in flight by id: a miss while the same id is read through the same handle waits for
   * that read (a client's pipelined inserts all miss in one pass after an invalidation).
   */
  private readonly reading = new Map<
    string,
    { sql: SqlClient; read: Promise<DeviceRecord | null> }
  >();
  private generation = 0;

  /** The device with that id (from the cache, else the database), or null. */
  find(sql: SqlClient, deviceId: string): Promise<DeviceRecord | null> {
    const hit = this.entries.get(deviceId);
    if (hit) return Promise.resolve(hit);
    const inFlight = this.reading.get(deviceId);
    if (inFlight?.sql === sql) return inFlight.read;
    const read = this.read(sql, deviceId);
    this.reading.set(deviceId, { sql, read });
    const forget = () => {
      if (this.reading.get(deviceId)?.read === read) this.reading.delete(deviceId);
    };
    read.then(forget, forget);
    return read;
  }

  private async read(sql: SqlClient, deviceId: string): Promise<DeviceRecord | null> {
    const generation = this.generation;
    const device = await findDeviceById(sql, deviceId);
    if (!device) return null;
    const frozen = deepFreeze(device);
    if (generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(deviceId, frozen);
    }
    return frozen;
  }

  /** Forgets every device, including what lookups in flight are about to return. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
    // A read that started before the invalidation may return the old row: none waits for it.
    this.reading.clear();
  }
}

const caches = new WeakMap<SqlClient, DeviceCache>();

/**
 * The device cache of a database handle, shared by every core on that handle; null unless the
 * handle is `exclusive`.
 */
export function deviceCacheFor(sql: SqlClient): DeviceCache | null {
  if (!sql.exclusive) return null;
  let cache = caches.get(sql);
  if (!cache) {
    cache = new DeviceCache();
    caches.set(sql, cache);
  }
  return cache;
}
