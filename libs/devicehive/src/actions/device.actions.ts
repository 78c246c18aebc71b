import { canSeeDevice, DhError, type JsonObject, type Principal } from '@dh-mqtt/protocol';
import { isEmptyScope, requirePrincipal, visibleDeviceScopes } from '../core/access';
import type { ActionImpl, ActionTable } from '../core/action';
import { isStorableId, optionalString, parseId, readListQuery } from '../core/request-fields';
import {
  countDevices,
  deleteDeviceById,
  findDeviceById,
  listDevices,
  type DeviceQuery,
  type DeviceRecord,
  type DeviceSortField,
} from '../repositories/device.repository';
import type { SqlClient } from '../storage/sql-client.port';
import { saveDevice } from './device-save.action';

// `status` is accepted like the reference's validator, but devices have no status any more
// (docs/api/devices.md), so it sorts like no sortField at all: by id.
const SORT_FIELDS: Readonly<Record<string, DeviceSortField>> = {
  name: 'name',
  network: 'network',
  status: 'id',
};

/** The `deviceId` of a get/delete request; 400 when absent (docs/api/devices.md). */
function requireDeviceId(request: JsonObject): string {
  const deviceId = request['deviceId'];
  if (typeof deviceId !== 'string' || deviceId === '') throw new DhError('DEVICE_ID_REQUIRED');
  return deviceId;
}

/** A visible device or 404 (a wildcard token passes checkTarget for any id, docs/api/README.md). */
async function findVisibleDevice(
  sql: SqlClient,
  principal: Principal,
  deviceId: string,
): Promise<DeviceRecord> {
  const device = await findDeviceById(sql, deviceId);
  if (device == null || !canSeeDevice(principal, device)) {
    throw new DhError('DEVICE_NOT_FOUND', deviceId);
  }
  return device;
}

/** Filters of device/list and device/count; null when the filters can match no device. */
function readDeviceQuery(principal: Principal, request: JsonObject): DeviceQuery | null {
  const query: DeviceQuery = visibleDeviceScopes(principal);
  const name = optionalString(request, 'name');
  const namePattern = optionalString(request, 'namePattern');
  const networkName = optionalString(request, 'networkName');
  const networkId = parseId(request['networkId']);
  if (name !== undefined) query.name = name;
  if (namePattern !== undefined) query.namePattern = namePattern;
  if (networkName !== undefined) query.networkName = networkName;
  if (networkId != null) query.networkId = networkId;
  const matchesNothing =
    isEmptyScope(query.networkIds) ||
    isEmptyScope(query.deviceTypeIds) ||
    (networkId != null && !isStorableId(networkId)) ||
    [name, namePattern, networkName].some((text) => text?.includes('\u0000'));
  return matchesNothing ? null : query;
}

const getDevice: ActionImpl = async (ctx, request) => {
  const principal = requirePrincipal(ctx);
  const device = await findVisibleDevice(ctx.sql, principal, requireDeviceId(request));
  return { body: { device: { ...device } } };
};

const listDevicesAction: ActionImpl = async (ctx, request) => {
  const principal = requirePrincipal(ctx);
  const { sort, page } = readListQuery(request, SORT_FIELDS, 'id');
  const query = readDeviceQuery(principal, request);
  const devices = query ? await listDevices(ctx.sql, query, sort, page) : [];
  return { body: { devices } };
};

const countDevicesAction: ActionImpl = async (ctx, request) => {
  const query = readDeviceQuery(requirePrincipal(ctx), request);
  return { body: { count: query ? await countDevices(ctx.sql, query) : 0 } };
};

const deleteDevice: ActionImpl = async (ctx, request) => {
  const principal = requirePrincipal(ctx);
  const deviceId = requireDeviceId(request);
  await ctx.sql.transaction(async (tx) => {
    await findVisibleDevice(tx, principal, deviceId);
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
