import type { JsonObject } from '@dh-mqtt/protocol';
import { formatTimestamp } from '../core/timestamp';
import type { SqlClient } from '../storage/sql-client.port';
import { jsonParam } from '../storage/sql-types';
import {
  listWhere,
  selectOnDevice,
  selectPage,
  selectSince,
  timestampColumn,
  timestampParam,
  whereEventScope,
  type EventListFilter,
  type EventPage,
  type EventScope,
} from './command-notification.query';
import { SqlBuilder } from './query-builder';

/** What a command is stored with as given, in both its new and stored forms. */
export interface CommandFields {
  command: string;
  userId: number | null;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  parameters: JsonObject | null;
  lifetime: number | null;
  status: string | null;
  result: JsonObject | null;
  originClientId: string | null;
}

/**
 * A stored command: the 12 public fields of docs/api/commands.md (timestamps already in the
 * docs/api/README.md format) plus the internal `isUpdated` and the inserting MQTT client.
 */
export interface StoredCommand extends CommandFields {
  id: number;
  timestamp: string;
  lastUpdated: string;
  isUpdated: boolean;
}

/** A command to store. */
export interface NewCommand extends CommandFields {
  timestamp: Date;
}

/** `command/update` changes (docs/api/commands.md): absent keys keep their value, null clears. */
export interface CommandChanges {
  status?: string | null;
  result?: JsonObject | null;
}

/** `command/list` filters (docs/api/commands.md); all combine with AND. */
export interface CommandFilter extends EventListFilter {
  /** Case-insensitive exact match. */
  status: string | null;
}

/** Sort fields of `command/list` (docs/api/README.md) and their columns. */
export const COMMAND_SORT_COLUMNS: Readonly<Record<string, string>> = {
  timestamp: 'timestamp',
  command: 'command',
  status: 'status',
};

const COLUMNS = `id, command, ${timestampColumn('timestamp', 'ts')},
  ${timestampColumn('last_updated', 'last_updated')}, user_id, device_id, network_id,
  device_type_id, parameters, lifetime, status, result, is_updated, origin_client_id`;

interface CommandRow {
  id: number | string;
  command: string;
  ts: string;
  last_updated: string;
  user_id: number | string | null;
  device_id: string;
  network_id: number | string;
  device_type_id: number | string;
  parameters: JsonObject | null;
  lifetime: number | null;
  status: string | null;
  result: JsonObject | null;
  is_updated: boolean;
  origin_client_id: string | null;
}

function toStored(row: CommandRow): StoredCommand {
  return {
    id: Number(row.id),
    command: row.command,
    timestamp: row.ts,
    lastUpdated: row.last_updated,
    userId: row.user_id == null ? null : Number(row.user_id),
    deviceId: row.device_id,
    networkId: Number(row.network_id),
    deviceTypeId: Number(row.device_type_id),
    parameters: row.parameters,
    lifetime: row.lifetime,
    status: row.status,
    result: row.result,
    isUpdated: row.is_updated,
    originClientId: row.origin_client_id,
  };
}

/**
 * Stores a new command (`last_updated` = `timestamp`, not updated). Ids come from a sequence; the
 * rest of the returned command is the input (timestamps formatted in JS as `to_char` would,
 * docs/api/README.md).
 */
export async function insertCommand(sql: SqlClient, c: NewCommand): Promise<StoredCommand> {
  const timestamp = timestampParam(c.timestamp);
  const { rows } = await sql.query<{ id: number | string }>(
    `INSERT INTO dh_command (command, timestamp, last_updated, user_id, device_id, network_id,
       device_type_id, parameters, lifetime, status, result, is_updated, origin_client_id)
     VALUES ($1, $2::timestamp, $2::timestamp, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb,
       FALSE, $11)
     RETURNING id`,
    [
      c.command,
      timestamp,
      c.userId,
      c.deviceId,
      c.networkId,
      c.deviceTypeId,
      jsonParam(c.parameters),
      c.lifetime,
      c.status,
      jsonParam(c.result),
      c.originClientId,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT ... RETURNING returned no row');
  return {
    id: Number(row.id),
    command: c.command,
    timestamp: formatTimestamp(c.timestamp),
    lastUpdated: formatTimestamp(c.timestamp),
    userId: c.userId,
    deviceId: c.deviceId,
    networkId: c.networkId,
    deviceTypeId: c.deviceTypeId,
    parameters: c.parameters,
    lifetime: c.lifetime,
    status: c.status,
    result: c.result,
    isUpdated: false,
    originClientId: c.originClientId,
  };
}

/** The command with that id on that device, or null. */
export async function findCommand(
  sql: SqlClient,
  deviceId: string,
  id: number,
): Promise<StoredCommand | null> {
  const row = await selectOnDevice<CommandRow>(sql, 'dh_command', COLUMNS, deviceId, id);
  return row ? toStored(row) : null;
}

/** One page of a device's commands. */
export async function listCommands(
  sql: SqlClient,
  filter: CommandFilter,
  page: EventPage,
): Promise<StoredCommand[]> {
  const where = listWhere(filter, 'command');
  if (filter.status != null) where.where(`lower(status) = lower(${where.param(filter.status)})`);
  const rows = await selectPage<CommandRow>(sql, 'dh_command', COLUMNS, where, page);
  return rows.map(toStored);
}

/**
 * Applies `command/update` (docs/api/commands.md): only status/result change; the command becomes
 * updated and `last_updated` = `now`. Null when no such command exists on that device.
 */
export async function updateCommand(
  sql: SqlClient,
  deviceId: string,
  id: number,
  changes: CommandChanges,
  now: Date,
): Promise<StoredCommand | null> {
  const { rows } = await sql.query<CommandRow>(
    `UPDATE dh_command SET
       status = CASE WHEN $3 THEN $4 ELSE status END,
       result = CASE WHEN $5 THEN $6::jsonb ELSE result END,
       is_updated = TRUE,
       last_updated = $7::timestamp
     WHERE id = $1 AND device_id = $2
     RETURNING ${COLUMNS}`,
    [
      id,
      deviceId,
      'status' in changes,
      changes.status ?? null,
      'result' in changes,
      jsonParam(changes.result),
      timestampParam(now),
    ],
  );
  return rows[0] ? toStored(rows[0]) : null;
}

/**
 * Stored commands for a subscription's timestamp replay (docs/api/subscriptions.md
 * `command/subscribe`): inside the scope, oldest first, at most `limit`. `updatedOnly` replays
 * updated commands by their `last_updated` (docs/api/commands.md), otherwise inserts by
 * `timestamp`.
 */
export async function findCommandsSince(
  sql: SqlClient,
  scope: EventScope,
  since: Date,
  limit: number,
  updatedOnly: boolean,
): Promise<StoredCommand[]> {
  const timeColumn = updatedOnly ? 'last_updated' : 'timestamp';
  const where = whereEventScope(new SqlBuilder(), scope, 'command');
  where.where(`${timeColumn} >= ${where.param(timestampParam(since))}::timestamp`);
  if (updatedOnly) where.where('is_updated');
  const rows = await selectSince<CommandRow>(sql, 'dh_command', COLUMNS, where, timeColumn, limit);
  return rows.map(toStored);
}
