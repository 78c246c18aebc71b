import {
  DhError,
  type CommandUpdateBody,
  type DeviceEvent,
  type JsonObject,
} from '@dh-mqtt/protocol';
import type { ActionImpl, ActionTable } from '../core/action';
import { requirePrincipal, requireVisibleDevice } from '../core/access';
import { parseOptionalTimestamp } from '../core/timestamp';
import {
  COMMAND_SORT_COLUMNS,
  findCommand,
  insertCommand,
  listCommands,
  updateCommand,
  type CommandChanges,
  type StoredCommand,
} from '../repositories/command.repository';
import { commandInsertedView, commandView } from '../views/event.views';
import { eventPage, hasNetwork } from './event-request';

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

/** The status column's width; the DTO takes any string (docs/api/commands.md). */
const MAX_STATUS = 128;

/** A command status the column can hold, else 400 `Invalid request parameters`. */
function storableStatus(status: string | null | undefined): string | null {
  if (status == null) return null;
  if (status.length > MAX_STATUS) throw new DhError('INVALID_REQUEST_PARAMETERS');
  return status;
}

/** A lifetime the INTEGER column can hold, else 400 `Invalid request parameters`. */
function storableLifetime(lifetime: number | null | undefined): number | null {
  if (lifetime == null) return null;
  if (Math.abs(lifetime) > 2 ** 31 - 1) throw new DhError('INVALID_REQUEST_PARAMETERS');
  return lifetime;
}

/** `parameters` and `result`: JSON objects the DTO checked (docs/api/README.md). */
const jsonOrNull = (value: Record<string, unknown> | null | undefined): JsonObject | null =>
  (value ?? null) as JsonObject | null;

/**
 * `command/insert` (docs/api/commands.md): stores the command with the device's network and type,
 * the caller as `userId` and the MQTT client as origin (for `dh/command_update` routing), and emits
 * `command/insert`.
 */
const commandInsert: ActionImpl<'command/insert'> = async (ctx, { deviceId, command }) => {
  const principal = requirePrincipal(ctx);
  const device = await requireVisibleDevice(ctx, deviceId);
  if (!hasNetwork(device)) throw new DhError('DEVICE_IS_NOT_CONNECTED_TO_NETWORK', deviceId);
  const stored = await insertCommand(ctx.sql, {
    command: command.command,
    timestamp: parseOptionalTimestamp(command.timestamp) ?? ctx.now(),
    userId: principal.userId,
    deviceId,
    networkId: device.networkId,
    deviceTypeId: device.deviceTypeId,
    parameters: jsonOrNull(command.parameters),
    lifetime: storableLifetime(command.lifetime),
    status: storableStatus(command.status),
    result: jsonOrNull(command.result),
    originClientId: ctx.clientId,
  });
  return {
    body: { command: commandInsertedView(stored) },
    events: [commandEvent('command/insert', stored)],
  };
};

/** `command/get` (docs/api/commands.md): one command of a visible device. */
const commandGet: ActionImpl<'command/get'> = async (ctx, { deviceId, commandId }) => {
  await requireVisibleDevice(ctx, deviceId);
  const stored = await findCommand(ctx.sql, deviceId, commandId);
  if (stored == null) throw new DhError('COMMAND_NOT_FOUND', commandId);
  return { body: { command: commandView(stored) } };
};

/**
 * `command/list` (docs/api/commands.md): time range inclusive, exact name, case-insensitive status;
 * a recognised sortField sorts DESC by default; take/skip 20/0.
 */
const commandList: ActionImpl<'command/list'> = async (ctx, request) => {
  const { deviceId } = request;
  await requireVisibleDevice(ctx, deviceId);
  const commands = await listCommands(
    ctx.sql,
    {
      deviceId,
      start: parseOptionalTimestamp(request.start),
      end: parseOptionalTimestamp(request.end),
      names: request.command == null ? null : [request.command],
      status: request.status ?? null,
    },
    eventPage(request, COMMAND_SORT_COLUMNS),
  );
  return { body: { commands: commands.map(commandView) } };
};

function readChanges(payload: CommandUpdateBody): CommandChanges {
  // CODE applies only status and result; other fields of the update are ignored
  // (docs/api/commands.md). Absent keeps the value; JSON null clears it.
  const changes: CommandChanges = {};
  if (payload.status !== undefined) changes.status = storableStatus(payload.status);
  if (payload.result !== undefined) changes.result = jsonOrNull(payload.result);
  return changes;
}

/**
 * `command/update` (docs/api/commands.md): sets status/result, marks the command updated with
 * lastUpdated = now, and emits `command/update` carrying the inserter's client id. A missing
 * command is 404 and a missing `command` object 400 (both REF-BUG fixes: the reference does not
 * reply).
 */
const commandUpdate: ActionImpl<'command/update'> = async (ctx, request) => {
  const { commandId, deviceId } = request;
  await requireVisibleDevice(ctx, deviceId);
  const changes = readChanges(request.command);
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
