import { canSeeDevice, DhError, type JsonObject } from '@dh-mqtt/protocol';
import type { ActionContext } from '../core/action';
import { findDevice, requirePrincipal, type DeviceRecord } from '../core/access';
import { isJsonObject } from '../core/request-fields';
import { parseOptionalTimestamp } from '../core/timestamp';
import type { EventPage } from '../repositories/command-notification.query';

// Request readers shared by the command and notification actions (docs/api/commands.md,
// docs/api/notifications.md). DTO validation ran before; these keep the reference texts for what it
// lets through.

/**
 * `deviceId` of the request: 400 `Device id is wrong or empty` when absent, empty or not a string.
 */
export function requireDeviceId(request: JsonObject): string {
  const value = request['deviceId'];
  if (typeof value !== 'string' || value === '') throw new DhError('DEVICE_ID_REQUIRED');
  return value;
}

/**
 * The device, if the principal may see it (docs/api/README.md). Restricted tokens already got 403
 * from the target check (docs/api/README.md step 4); here a missing or invisible device is 404,
 * like the reference's `findByIdWithPermissionsCheck`.
 */
export async function requireVisibleDevice(
  ctx: ActionContext,
  deviceId: string,
): Promise<DeviceRecord> {
  const principal = requirePrincipal(ctx);
  const checked = ctx.checkedDevice;
  const device =
    checked?.id === deviceId ? checked : await findDevice(ctx.sql, deviceId, ctx.devices);
  if (device == null || !canSeeDevice(principal, device)) {
    throw new DhError('DEVICE_NOT_FOUND', deviceId);
  }
  return device;
}

/** Whether the device belongs to a network (BIGSERIAL ids start at 1; a NULL column reads as 0). */
export function hasNetwork(device: DeviceRecord): boolean {
  return Number.isSafeInteger(device.networkId) && device.networkId > 0;
}

/**
 * An integer id field (`commandId`, `notificationId`): a number or a numeric string. Null when
 * absent, NaN when present but not an integer.
 */
export function readIntegerId(request: JsonObject, field: string): number | null {
  const value = request[field];
  if (value == null || value === '') return null;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isSafeInteger(n) ? n : NaN;
}

/**
 * A JSON-object field (docs/api/README.md): object or null; anything else is 400 `'parameters' must
 * be JSON Object!`.
 */
export function optionalJsonObject(value: unknown): JsonObject | null {
  if (value == null) return null;
  if (!isJsonObject(value)) throw new DhError('PARAMS_NOT_JSON');
  return value;
}

/** An optional string field of at most `maxLength` characters (the column width). */
export function optionalText(value: unknown, maxLength = 128): string | null {
  if (value == null) return null;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return value;
}

/**
 * `start`/`end` of a list (docs/api/commands.md): inclusive bounds, lenient timestamps
 * (docs/api/README.md).
 */
export function readTimeRange(request: JsonObject): { start: Date | null; end: Date | null } {
  return {
    start: parseOptionalTimestamp(request['start']),
    end: parseOptionalTimestamp(request['end']),
  };
}

/**
 * Name filter of a list: the single-name field (`command` / `notification`) or CODE's `names`
 * array; null = any.
 */
export function readNameFilter(request: JsonObject, field: string): string[] | null {
  const single = request[field];
  if (typeof single === 'string') return [single];
  const names = request['names'];
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names;
  return null;
}

function pagingNumber(value: unknown, fallback: number): number {
  if (value == null) return fallback;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return n;
}

/**
 * `sortField`, `sortOrder`, `take` (20), `skip` (0) of `command/list` and `notification/list`
 * (docs/api/commands.md, docs/api/README.md): a recognised sort field (any case) sorts DESC unless
 * `sortOrder` is `ASC`; an unknown or absent one gives id order. A bad `sortOrder` is 400
 * `Unparseable sort order : <v>` (the reference sends no reply there, a REF-BUG).
 */
export function readEventPage(
  request: JsonObject,
  sortColumns: Readonly<Record<string, string>>,
): EventPage {
  const rawOrder = request['sortOrder'];
  let sortOrder: EventPage['sortOrder'] = 'DESC';
  if (rawOrder != null) {
    const order = typeof rawOrder === 'string' ? rawOrder.toUpperCase() : '';
    if (order !== 'ASC' && order !== 'DESC') {
      throw new DhError('UNPARSEABLE_SORT_ORDER', String(rawOrder));
    }
    sortOrder = order;
  }
  const rawField = request['sortField'];
  const key = typeof rawField === 'string' ? rawField.toLowerCase() : '';
  const sortField = Object.prototype.hasOwnProperty.call(sortColumns, key)
    ? (sortColumns[key] ?? null)
    : null;
  return {
    sortField,
    sortOrder,
    take: pagingNumber(request['take'], 20),
    skip: pagingNumber(request['skip'], 0),
  };
}
