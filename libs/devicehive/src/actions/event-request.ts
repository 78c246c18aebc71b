import { canSeeDevice, DhError, type SortOrder } from '@dh-mqtt/protocol';
import type { ActionContext } from '../core/action';
import { findDevice, requirePrincipal, type DeviceRecord } from '../core/access';
import type { EventPage } from '../repositories/command-notification.query';

// What the command and notification actions share (docs/api/commands.md,
// docs/api/notifications.md). The DTOs checked the request; these add what needs the database.

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

/** The paging fields of `command/list` and `notification/list` (`EventPageRequest`). */
export interface EventPageFields<Field extends string> {
  sortField?: Field;
  sortOrder?: SortOrder;
  take: number;
  skip: number;
}

/**
 * The sort and page of `command/list` and `notification/list` (docs/api/commands.md,
 * docs/api/README.md): the DTO checked the fields and made a given sortField sort DESC unless
 * `sortOrder` says ASC; without one, id order.
 */
export function eventPage<Field extends string>(
  request: EventPageFields<Field>,
  sortColumns: Readonly<Record<Field, string>>,
): EventPage {
  return {
    sortField: request.sortField == null ? null : sortColumns[request.sortField],
    sortOrder: request.sortOrder ?? 'DESC',
    take: request.take,
    skip: request.skip,
  };
}
