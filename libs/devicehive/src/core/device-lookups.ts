import {
  findDeviceById,
  findDevicesByIds,
  type DeviceRecord,
} from '../repositories/device.repository';
import type { SqlClient } from '../storage/sql-client.port';
import { PerTurnQueue } from './per-turn-queue';

/** Devices by id for the target check and the event actions: the core's `devices` service. */
export interface DeviceReader {
  /** The device with that id, read through `sql`, or null. Callers must not change the record. */
  find(sql: SqlClient, deviceId: string): Promise<DeviceRecord | null>;
  /** Called after every action that may change devices (`invalidatesDevices`). */
  invalidate(): void;
}

/** Most ids one statement reads. */
const MAX_IDS_PER_STATEMENT = 500;

interface Waiter {
  resolve(device: DeviceRecord | null): void;
  reject(error: unknown): void;
}

/**
 * Device lookups on a shared database (a PostgreSQL pool, where no process may cache devices:
 * another one may change them). The lookups made in one pass of the event loop go out as one
 * statement at its end, `WHERE id = ANY($1)` (one lookup alone keeps the plain `WHERE id = $1`).
 * Under load a gateway starts the requests of a whole Kafka fetch in one pass, and one SELECT per
 * `notification/insert` was half of the statements it sent (docs/performance.md §5).
 *
 * Nothing is cached: every lookup reads a statement that starts after it was made, so it sees
 * every write committed before that, as its own statement would. A lookup through another client
 * (a transaction) is not batched.
 */
export class DeviceLookups implements DeviceReader {
  /** Callers of each id looked up this turn (an id is queued once per turn). */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly ids = new PerTurnQueue<string>(MAX_IDS_PER_STATEMENT, (chunk) => {
    const batch = chunk.map((id): [string, Waiter[]] => [id, this.waiting.get(id) ?? []]);
    for (const id of chunk) this.waiting.delete(id);
    void this.read(batch);
  });

  constructor(private readonly sql: SqlClient) {}

  find(sql: SqlClient, deviceId: string): Promise<DeviceRecord | null> {
    if (sql !== this.sql) return findDeviceById(sql, deviceId);
    return new Promise<DeviceRecord | null>((resolve, reject) => {
      const waiters = this.waiting.get(deviceId);
      if (waiters) return void waiters.push({ resolve, reject });
      this.waiting.set(deviceId, [{ resolve, reject }]);
      this.ids.add(deviceId);
    });
  }

  /** Nothing to forget: nothing is kept between passes. */
  invalidate(): void {
    return;
  }

  private async read(batch: Array<[string, Waiter[]]>): Promise<void> {
    try {
      const found =
        batch.length === 1
          ? singleton(batch[0][0], await findDeviceById(this.sql, batch[0][0]))
          : await findDevicesByIds(
              this.sql,
              batch.map(([id]) => id),
            );
      for (const [id, waiters] of batch) {
        const device = found.get(id) ?? null;
        // Each caller its own record, as its own statement would have given it.
        waiters.forEach((waiter, i) =>
          waiter.resolve(device && i > 0 ? structuredClone(device) : device),
        );
      }
    } catch (error) {
      for (const [, waiters] of batch) for (const waiter of waiters) waiter.reject(error);
    }
  }
}

function singleton(id: string, device: DeviceRecord | null): Map<string, DeviceRecord> {
  return device ? new Map([[id, device]]) : new Map();
}
