import type { SortOrder } from '@dh-mqtt/protocol';
import type { DeviceRecord } from '../core/access';
import type { EventPage } from '../repositories/command-notification.query';

// What the command and notification actions share (docs/api/commands.md,
// docs/api/notifications.md). The visible-device check they share with the device actions is
// `requireVisibleDevice` (core/access.ts).

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
