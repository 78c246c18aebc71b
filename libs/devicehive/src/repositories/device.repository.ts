import type { IdScope, JsonObject } from '@dh-mqtt/protocol';
import type { SqlClient } from '../storage/sql-client.port';
import { jsonParam } from '../storage/sql-types';
import {
  SqlBuilder,
  toNumber,
  type NameFilter,
  type Page,
  type SortDirection,
} from './query-builder';

/** A dh_device row in the shape of the full device view (docs/api/devices.md, key order kept). */
export interface DeviceRecord {
  id: string;
  name: string;
  data: JsonObject | null;
  networkId: number;
  deviceTypeId: number;
  isBlocked: boolean;
}

/**
 * Filters of `device/list` and `device/count` (docs/api/devices.md) plus the visibility scopes
 * (docs/api/README.md).
 */
export interface DeviceQuery extends NameFilter {
  networkId?: number;
  deviceTypeId?: number;
  networkName?: string;
  networkIds: IdScope;
  deviceTypeIds: IdScope;
}

export type DeviceSortField = 'id' | 'name' | 'network';

const SORT_COLUMNS: Readonly<Record<DeviceSortField, string>> = {
  id: 'd.id',
  name: 'd.name',
  network: 'd.network_id',
};

interface DeviceRow {
  id: string;
  name: string;
  data: JsonObject | null;
  network_id: unknown;
  device_type_id: unknown;
  is_blocked: boolean;
}

const COLUMNS = 'd.id, d.name, d.data, d.network_id, d.device_type_id, d.is_blocked';

function toRecord(row: DeviceRow): DeviceRecord {
  return {
    id: row.id,
    name: row.name,
    data: row.data ?? null,
    networkId: toNumber(row.network_id),
    deviceTypeId: toNumber(row.device_type_id),
    isBlocked: row.is_blocked,
  };
}

/** The device with that id, or null. `forUpdate` locks the row until the transaction ends. */
export async function findDeviceById(
  sql: SqlClient,
  deviceId: string,
  options: { forUpdate?: boolean } = {},
): Promise<DeviceRecord | null> {
  const lock = options.forUpdate ? ' FOR UPDATE' : '';
  const { rows } = await sql.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM dh_device d WHERE d.id = $1${lock}`,
    [deviceId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * The devices with these ids, by id (ids without a device are absent). One statement whatever the
 * number of ids: `= ANY` of one array parameter, so its text is the same for every call.
 */
export async function findDevicesByIds(
  sql: SqlClient,
  deviceIds: readonly string[],
): Promise<Map<string, DeviceRecord>> {
  const { rows } = await sql.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM dh_device d WHERE d.id = ANY($1::text[])`,
    [deviceIds],
  );
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

function deviceConditions(query: DeviceQuery): SqlBuilder {
  const b = new SqlBuilder()
    .whereInScope('d.network_id', query.networkIds)
    .whereInScope('d.device_type_id', query.deviceTypeIds)
    .whereName('d.name', query);
  if (query.networkId != null) b.where(`d.network_id = ${b.param(query.networkId)}`);
  if (query.deviceTypeId != null) b.where(`d.device_type_id = ${b.param(query.deviceTypeId)}`);
  if (query.networkName != null) {
    b.where(
      `d.network_id IN (SELECT n.id FROM dh_network n WHERE n.name = ${b.param(query.networkName)})`,
    );
  }
  return b;
}

/** One page of devices matching `query`, sorted by `sort` then id. */
export async function listDevices(
  sql: SqlClient,
  query: DeviceQuery,
  sort: { field: DeviceSortField; direction: SortDirection },
  page: Page,
): Promise<DeviceRecord[]> {
  const b = deviceConditions(query);
  const order = `${SORT_COLUMNS[sort.field]} ${sort.direction}, d.id ${sort.direction}`;
  const { rows } = await sql.query<DeviceRow>(
    `SELECT ${COLUMNS} FROM dh_device d${b.whereClause()} ORDER BY ${order}${b.pageClause(page)}`,
    b.params,
  );
  return rows.map(toRecord);
}

export async function countDevices(sql: SqlClient, query: DeviceQuery): Promise<number> {
  const b = deviceConditions(query);
  const { rows } = await sql.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM dh_device d${b.whereClause()}`,
    b.params,
  );
  return toNumber(rows[0]?.n ?? 0);
}

/** Every device matching `query` (no paging), by id: for deletion guards and embedded views. */
export async function listAllDevices(sql: SqlClient, query: DeviceQuery): Promise<DeviceRecord[]> {
  return listDevices(sql, query, { field: 'id', direction: 'ASC' }, { take: 0, skip: 0 });
}

export async function insertDevice(sql: SqlClient, device: DeviceRecord): Promise<void> {
  await sql.query(
    `INSERT INTO dh_device (id, name, data, network_id, device_type_id, is_blocked)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
    [
      device.id,
      device.name,
      jsonParam(device.data),
      device.networkId,
      device.deviceTypeId,
      device.isBlocked,
    ],
  );
}

/** Replaces every field of an existing device and bumps its entity version. */
export async function updateDevice(sql: SqlClient, device: DeviceRecord): Promise<void> {
  await sql.query(
    `UPDATE dh_device SET name = $2, data = $3::jsonb, network_id = $4, device_type_id = $5,
       is_blocked = $6, entity_version = entity_version + 1
     WHERE id = $1`,
    [
      device.id,
      device.name,
      jsonParam(device.data),
      device.networkId,
      device.deviceTypeId,
      device.isBlocked,
    ],
  );
}

/** Deletes a device; false when there was none. */
export async function deleteDeviceById(sql: SqlClient, deviceId: string): Promise<boolean> {
  const { rowCount } = await sql.query('DELETE FROM dh_device WHERE id = $1', [deviceId]);
  return rowCount > 0;
}
