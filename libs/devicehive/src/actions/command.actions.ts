import { DhError, type DeviceEvent, type JsonObject } from '@dh-mqtt/protocol';
import type { ActionContext, ActionImpl, ActionOutcome, ActionTable } from '../core/action';
import { requirePrincipal } from '../core/access';
import { isJsonObject } from '../core/request-fields';
import { parseOptionalTimestamp } from '../core/timestamp';
import {
  COMMAND_SORT_COLUMNS,
  commandView,
  findCommand,
  insertCommand,
  listCommands,
  updateCommand,
  type CommandChanges,
  type StoredCommand,
} from '../repositories/command.repository';
import {
  hasNetwork,
  optionalJsonObject,
  optionalText,
  readEventPage,
  readIntegerId,
  readNameFilter,
  readTimeRange,
  requireDeviceId,
  requireVisibleDevice,
} from './event-request';

/**
 * The push event of a stored command (docs/topics/notification.md): the full view, routed by its
 * origin.
 */
export function commandEvent(
  kind: 'command/insert' | 'command/update',
  command: StoredCommand,
): DeviceEvent {
  return {
    kind,
    deviceId: command.deviceId,
    networkId: command.networkId,
    deviceTypeId: command.deviceTypeId,
    name: command.command,
    data: commandView(command),
    originClientId: command.originClientId,
  };
}

function requireCommandId(request: JsonObject): number {
  const id = readIntegerId(request, 'commandId');
  if (id == null || Number.isNaN(id)) throw new DhError('COMMAND_ID_REQUIRED');
  return id;
}

function requireCommandName(payload: JsonObject): string {
  const name = payload['command'];
  // CODE does not check the name; the column needs one (docs/api/commands.md: 400).
  if (typeof name !== 'string' || name === '') throw new DhError('EMPTY_COMMAND');
  if (name.length > 128) throw new DhError('INVALID_REQUEST_PARAMETERS');
  return name;
}

function optionalLifetime(value: unknown): number | null {
  if (value == null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return value;
}

/**
 * `command/insert` (docs/api/commands.md): stores the command with the device's network and type,
 * the caller as `userId` and the MQTT client as origin (for `dh/command_update` routing), and emits
 * `command/insert`.
 */
const commandInsert: ActionImpl = async (ctx, request) => {
  const principal = requirePrincipal(ctx);
  const deviceId = requireDeviceId(request);
  const device = await requireVisibleDevice(ctx, deviceId);
  const payload = request['command'];
  if (!isJsonObject(payload)) throw new DhError('EMPTY_COMMAND');
  const name = requireCommandName(payload);
  if (!hasNetwork(device)) throw new DhError('DEVICE_IS_NOT_CONNECTED_TO_NETWORK', deviceId);
  const stored = await insertCommand(ctx.sql, {
    command: name,
    timestamp: parseOptionalTimestamp(payload['timestamp']) ?? ctx.now(),
    userId: principal.userId,
    deviceId,
    networkId: device.networkId,
    deviceTypeId: device.deviceTypeId,
    parameters: optionalJsonObject(payload['parameters']),
    lifetime: optionalLifetime(payload['lifetime']),
    status: optionalText(payload['status']),
    result: optionalJsonObject(payload['result']),
    originClientId: ctx.clientId,
  });
  return {
    body: {
      command: {
        id: stored.id,
        timestamp: stored.timestamp,
        lastUpdated: stored.lastUpdated,
        userId: stored.userId,
      },
    },
    events: [commandEvent('command/insert', stored)],
  };
};

/** `command/get` (docs/api/commands.md): one command of a visible device. */
const commandGet: ActionImpl = async (ctx, request) => {
  const deviceId = requireDeviceId(request);
  const commandId = requireCommandId(request);
  await requireVisibleDevice(ctx, deviceId);
  const stored = await findCommand(ctx.sql, deviceId, commandId);
  if (stored == null) throw new DhError('COMMAND_NOT_FOUND', commandId);
  return { body: { command: commandView(stored) } };
};

/**
 * `command/list` (docs/api/commands.md): time range inclusive, exact name, case-insensitive status;
 * a recognised sortField sorts DESC by default; take/skip 20/0.
 */
const commandList: ActionImpl = async (ctx, request) => {
  const deviceId = requireDeviceId(request);
  const page = readEventPage(request, COMMAND_SORT_COLUMNS);
  const { start, end } = readTimeRange(request);
  const status = request['status'];
  await requireVisibleDevice(ctx, deviceId);
  const commands = await listCommands(
    ctx.sql,
    {
      deviceId,
      start,
      end,
      names: readNameFilter(request, 'command'),
      status: typeof status === 'string' ? status : null,
    },
    page,
  );
  return { body: { commands: commands.map(commandView) } };
};

function readChanges(payload: JsonObject): CommandChanges {
  // CODE applies only status and result; other fields of the update are ignored
  // (docs/api/commands.md). Absent (undefined, also an unset DTO field) keeps the value; JSON null
  // clears it.
  const changes: CommandChanges = {};
  if (payload['status'] !== undefined) changes.status = optionalText(payload['status']);
  if (payload['result'] !== undefined) changes.result = optionalJsonObject(payload['result']);
  return changes;
}

/**
 * `command/update` (docs/api/commands.md): sets status/result, marks the command updated with
 * lastUpdated = now, and emits `command/update` carrying the inserter's client id. A missing
 * command is 404 and a missing `command` object 400 (both REF-BUG fixes: the reference does not
 * reply).
 */
const commandUpdate: ActionImpl = async (ctx: ActionContext, request): Promise<ActionOutcome> => {
  const commandId = requireCommandId(request);
  const deviceId = requireDeviceId(request);
  await requireVisibleDevice(ctx, deviceId);
  const payload = request['command'];
  if (!isJsonObject(payload)) {
    const exists = await findCommand(ctx.sql, deviceId, commandId);
    throw exists ? new DhError('EMPTY_COMMAND') : new DhError('COMMAND_NOT_FOUND', commandId);
  }
  const changes = readChanges(payload);
  const stored = await updateCommand(ctx.sql, deviceId, commandId, changes, ctx.now());
  if (stored == null) throw new DhError('COMMAND_NOT_FOUND', commandId);
  return { body: {}, events: [commandEvent('command/update', stored)] };
};

/** The command actions served by the core (subscribe lives in subscription.actions.ts). */
export const commandActions: ActionTable = {
  'command/insert': commandInsert,
  'command/get': commandGet,
  'command/list': commandList,
  'command/update': commandUpdate,
};
