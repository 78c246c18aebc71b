import {
  canSeeDevice,
  DhError,
  inScope,
  UserRole,
  type DeviceEvent,
  type DeviceSaveBody,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import { requirePrincipal } from '../core/access';
import type { ActionImpl } from '../core/action';
import { isStorableText } from '../core/request-fields';
import {
  findDeviceById,
  insertDevice,
  updateDevice,
  type DeviceRecord,
} from '../repositories/device.repository';
import { insertNotification } from '../repositories/notification.repository';
import {
  assignedNetworkIds,
  findNamedEntity,
  lowestNamedEntityId,
} from '../repositories/named-entity.repository';
import { sqlState, UNIQUE_VIOLATION } from '../repositories/query-builder';
import type { SqlClient } from '../storage/sql-client.port';
import { notificationEvent } from './notification.actions';

const NAME_NULL = 'name field cannot be null.';
const NAME_LENGTH = 'Field cannot be empty. The length of name should be from 1 to 128 symbols.';

/** The `device` object of a save request, validated; absent fields stay undefined. */
interface DeviceChanges {
  name?: string;
  data: JsonObject | null;
  networkId: number | null;
  deviceTypeId: number | null;
  isBlocked?: boolean;
}

/**
 * Reads the `device` object of a save request. The DTO checked the id's grammar and length, the name's
 * length and the kinds of every field; a name PostgreSQL cannot store (NUL) is refused here like
 * one of a wrong length.
 */
function readChanges(device: DeviceSaveBody): DeviceChanges {
  const { name, data, isBlocked } = device;
  if (name != null && !isStorableText(name)) throw DhError.validation(NAME_LENGTH);
  const changes: DeviceChanges = {
    data: (data ?? null) as JsonObject | null,
    networkId: device.networkId ?? null,
    deviceTypeId: device.deviceTypeId ?? null,
  };
  if (name != null) changes.name = name;
  if (isBlocked != null) changes.isBlocked = isBlocked;
  return changes;
}

/**
 * The network of the saved device (docs/api/devices.md): the given one, which must exist (400) and,
 * for a non-admin, be assigned to the user (403); else the lowest-id network assigned to the user
 * (403 when none). Beyond the reference, the network must also be inside the token's `n`: a token
 * narrowed by token/create cannot place devices where it cannot see them.
 */
async function resolveNetwork(
  tx: SqlClient,
  principal: Principal,
  given: number | null,
): Promise<number> {
  const assigned = await assignedNetworkIds(tx, principal.userId);
  if (given != null) {
    if ((await findNamedEntity(tx, 'dh_network', given)) == null) {
      throw new DhError('INVALID_REQUEST_PARAMETERS');
    }
    const allowed =
      (principal.role === UserRole.Admin || assigned.includes(given)) &&
      inScope(principal.networkIds, given);
    if (!allowed) throw new DhError('NO_ACCESS_TO_NETWORK');
    return given;
  }
  const fallback = assigned.find((id) => inScope(principal.networkIds, id));
  if (fallback === undefined) throw new DhError('NO_ACCESS_TO_NETWORK');
  return fallback;
}

/**
 * The device type of the saved device (docs/api/devices.md): the given one, which must exist (400,
 * no access check in the reference); else the lowest-id type the token allows (403 when none).
 */
async function resolveDeviceType(
  tx: SqlClient,
  principal: Principal,
  given: number | null,
): Promise<number> {
  if (given != null) {
    if ((await findNamedEntity(tx, 'dh_device_type', given)) == null) {
      throw new DhError('INVALID_REQUEST_PARAMETERS');
    }
    return given;
  }
  const fallback = await lowestNamedEntityId(tx, 'dh_device_type', principal.deviceTypeIds);
  if (fallback == null) throw new DhError('NO_ACCESS_TO_DEVICE_TYPE');
  return fallback;
}

/**
 * Update access (docs/api/devices.md): a non-admin must be assigned the device's network; all need
 * the token.
 */
async function checkUpdateAccess(
  tx: SqlClient,
  principal: Principal,
  existing: DeviceRecord,
): Promise<void> {
  const assigned =
    principal.role === UserRole.Admin ||
    (await assignedNetworkIds(tx, principal.userId)).includes(existing.networkId);
  if (!assigned || !canSeeDevice(principal, existing)) throw new DhError('NO_ACCESS_TO_DEVICE');
}

/**
 * `device/save` (docs/api/devices.md): creates or updates the device, then stores the
 * `$device-add` / `$device-update` notification whose parameters are the saved device, and
 * returns it as a `notification/insert` event for the push path. One transaction.
 */
export const saveDevice: ActionImpl<'device/save'> = async (ctx, { deviceId, device: body }) => {
  const principal = requirePrincipal(ctx);
  const changes = readChanges(body);
  const event = await ctx.sql
    .transaction(async (tx): Promise<DeviceEvent> => {
      const networkId = await resolveNetwork(tx, principal, changes.networkId);
      const deviceTypeId = await resolveDeviceType(tx, principal, changes.deviceTypeId);
      const existing = await findDeviceById(tx, deviceId, { forUpdate: true });
      let device: DeviceRecord;
      if (existing == null) {
        if (changes.name === undefined) throw DhError.validation(NAME_NULL);
        device = {
          id: deviceId,
          name: changes.name,
          data: changes.data,
          networkId,
          deviceTypeId,
          isBlocked: changes.isBlocked ?? false,
        };
        await insertDevice(tx, device);
      } else {
        await checkUpdateAccess(tx, principal, existing);
        device = {
          id: deviceId,
          name: changes.name ?? existing.name,
          // docs/api/devices.md: data is always replaced, null when omitted.
          data: changes.data,
          networkId: changes.networkId != null ? networkId : existing.networkId,
          deviceTypeId: changes.deviceTypeId != null ? deviceTypeId : existing.deviceTypeId,
          isBlocked: changes.isBlocked ?? existing.isBlocked,
        };
        await updateDevice(tx, device);
      }
      const name = existing == null ? '$device-add' : '$device-update';
      const parameters = { ...device };
      const stored = await insertNotification(tx, {
        notification: name,
        deviceId,
        networkId: device.networkId,
        deviceTypeId: device.deviceTypeId,
        timestamp: ctx.now(),
        parameters,
      });
      return notificationEvent(stored);
    })
    .catch((error: unknown) => {
      // Two first saves of one new id raced: the loser retries like after a 409
      // (docs/api/README.md).
      if (sqlState(error) === UNIQUE_VIOLATION) throw new DhError('DH_ERR_CONFLICT');
      throw error;
    });
  return { body: {}, events: [event] };
};
