import type { DeviceCountRequest, Principal } from '@dh-mqtt/protocol';
import {
  isEmptyScope,
  requirePrincipal,
  requireVisibleDevice,
  visibleDeviceScopes,
  visibleOrNotFound,
} from '../core/access';
import type { ActionImpl, ActionTable } from '../core/action';
import { entityListQuery, isStorableText } from '../core/request-fields';
import {
  countDevices,
  deleteDeviceById,
  findDeviceById,
  listDevices,
  type DeviceQuery,
  type DeviceSortField,
} from '../repositories/device.repository';
import { deviceView } from '../views/device.views';
import { saveDevice } from './device-save.action';

// Without a sortField devices come in id order (docs/api/devices.md).
const SORT_KEYS: Readonly<Record<'name' | 'network', DeviceSortField>> = {
  name: 'name',
  network: 'network',
};

/** Filters of device/list and device/count; null when the filters can match no device. */
function readDeviceQuery(principal: Principal, request: DeviceCountRequest): DeviceQuery | null {
  const query: DeviceQuery = visibleDeviceScopes(principal);
  const { name, namePattern, networkName, networkId } = request;
  if (name != null) query.name = name;
  if (namePattern != null) query.namePattern = namePattern;
  if (networkName != null) query.networkName = networkName;
  if (networkId != null) query.networkId = networkId;
  const matchesNothing =
    isEmptyScope(query.networkIds) ||
    isEmptyScope(query.deviceTypeIds) ||
    ![name, namePattern, networkName].every(isStorableText);
  return matchesNothing ? null : query;
}

/**
 * `device/get`: the device the target check loaded, else through the core's device reader (the
 * cache on PGlite, one statement per turn on PostgreSQL), as the event actions read it.
 */
const getDevice: ActionImpl<'device/get'> = async (ctx, request) => {
  const device = await requireVisibleDevice(ctx, request.deviceId);
  return { body: { device: deviceView(device) } };
};

const listDevicesAction: ActionImpl<'device/list'> = async (ctx, request) => {
  const principal = requirePrincipal(ctx);
  const { sort, page } = entityListQuery(request, SORT_KEYS, 'id');
  const query = readDeviceQuery(principal, request);
  const devices = query ? await listDevices(ctx.sql, query, sort, page) : [];
  return { body: { devices: devices.map(deviceView) } };
};

const countDevicesAction: ActionImpl<'device/count'> = async (ctx, request) => {
  const query = readDeviceQuery(requirePrincipal(ctx), request);
  return { body: { count: query ? await countDevices(ctx.sql, query) : 0 } };
};

const deleteDevice: ActionImpl<'device/delete'> = async (ctx, { deviceId }) => {
  const principal = requirePrincipal(ctx);
  await ctx.sql.transaction(async (tx) => {
    // Read inside the transaction, not through the device reader or the target check's copy.
    visibleOrNotFound(principal, deviceId, await findDeviceById(tx, deviceId));
    await deleteDeviceById(tx, deviceId);
  });
  return { body: {} };
};

/**
 * `device/*` (docs/api/devices.md). The docs/api/README.md target check (`checkTarget`) runs before
 * `get` and `delete`; these implementations add the visibility rules of docs/api/README.md (404 for
 * a device a wildcard token cannot see).
 */
export const deviceActions: ActionTable = {
  'device/get': getDevice,
  'device/list': listDevicesAction,
  'device/count': countDevicesAction,
  'device/save': saveDevice,
  'device/delete': deleteDevice,
};
