import { visibleDeviceTypeIds } from '../core/access';
import type { ActionTable } from '../core/action';
import { namedEntityActions } from './named-entity.actions';

const deviceType = namedEntityActions({
  table: 'dh_device_type',
  idField: 'deviceTypeId',
  objectField: 'deviceType',
  listField: 'deviceTypes',
  visibleIds: visibleDeviceTypeIds,
  // The reference counts every device type; here, as for every count (docs/api/README.md), the
  // list predicates apply, so a count always matches the length of the unpaged list.
  countVisibleOnly: true,
  // A forced-only cascade must not hinge on what the caller sees: every device of the type counts.
  guardVisibleDevicesOnly: false,
  errors: {
    idRequired: 'DEVICE_TYPE_ID_REQUIRED',
    required: 'DEVICE_TYPE_REQUIRED',
    notFound: 'DEVICE_TYPE_NOT_FOUND',
    duplicate: 'DUPLICATE_DEVICE_TYPE',
    deletionNotAllowed: 'DEVICE_TYPE_DELETION_NOT_ALLOWED',
  },
});

/**
 * `devicetype/*` (docs/api/device-types.md). The docs/api/README.md target check (`checkTarget`)
 * runs before `get`/`update`/`delete`; these implementations add the visibility rules of
 * docs/api/README.md.
 */
export const deviceTypeActions: ActionTable = {
  'devicetype/list': deviceType.list,
  'devicetype/count': deviceType.count,
  'devicetype/get': deviceType.get,
  'devicetype/insert': deviceType.insert,
  'devicetype/update': deviceType.update,
  'devicetype/delete': deviceType.delete,
};
