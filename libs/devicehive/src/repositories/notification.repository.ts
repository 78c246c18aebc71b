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

/**
 * A stored notification: the 7 fields of docs/api/notifications.md (timestamp in docs/api/README.md
 * format).
 */
export interface StoredNotification {
  id: number;
  notification: string;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  timestamp: string;
  parameters: JsonObject | null;
}

export interface NewNotification {
  notification: string;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  timestamp: Date;
  parameters: JsonObject | null;
}

/** `notification/list` filters (docs/api/notifications.md); all combine with AND. */
export type NotificationFilter = EventListFilter;

/** Sort fields of `notification/list` (docs/api/README.md) and their columns. */
export const NOTIFICATION_SORT_COLUMNS: Readonly<Record<string, string>> = {
  timestamp: 'timestamp',
  notification: 'notification',
};

const COLUMNS = `id, notification, device_id, network_id, device_type_id,
  ${timestampColumn('timestamp', 'ts')}, parameters`;

interface NotificationRow {
  id: number | string;
  notification: string;
  device_id: string;
  network_id: number | string;
  device_type_id: number | string;
  ts: string;
  parameters: JsonObject | null;
}

function toStored(row: NotificationRow): StoredNotification {
  return {
    id: Number(row.id),
    notification: row.notification,
    deviceId: row.device_id,
    networkId: Number(row.network_id),
    deviceTypeId: Number(row.device_type_id),
    timestamp: row.ts,
    parameters: row.parameters,
  };
}

const INSERT_COLUMNS =
  'INSERT INTO dh_notification (notification, device_id, network_id, device_type_id, timestamp, parameters)';

/** One row: the plain statement (for one row it is cheaper than {@link INSERT_MANY}). */
const INSERT_ONE = `${INSERT_COLUMNS}
  VALUES ($1, $2, $3, $4, $5::timestamp, $6::jsonb) RETURNING id`;

/**
 * Two or more rows: one constant statement with one array parameter per column, so the SQL text
 * and the parameter count do not depend on the batch size. On PGlite it costs ~30 % less CPU per
 * row than a multi-row VALUES from 32 rows on, about the same at 8–16, and ~20 % more at 2–4
 * rows (a fixed cost per statement; docs/performance.md §3). Timestamps and parameters travel as
 * text (`formatTimestamp`, `jsonParam`) and are cast per element, as in {@link INSERT_ONE}: a NULL
 * element stays SQL NULL, never the JSON `null`. Both drivers send a JS array as an array literal
 * with every element quoted and escaped (`"` and `\`), NULL for null.
 *
 * Id order: the column default `nextval` is evaluated above the SELECT (EXPLAIN VERBOSE on PG 15
 * and 18: a Subquery Scan computes it over the Function Scan), row by row in the order the SELECT
 * returns them, and `ORDER BY ord` makes that the order of the arrays (`WITH ORDINALITY` numbers
 * the elements 1..n; the planner knows the scan is in that order, so it adds no sort). The arrays
 * have one length, so unnest pads none.
 */
const INSERT_MANY = `${INSERT_COLUMNS}
  SELECT n, d, nw, dt, t::timestamp, p::jsonb
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
    WITH ORDINALITY AS u(n, d, nw, dt, t, p, ord)
  ORDER BY ord
  RETURNING id`;

/**
 * The same with request ledger claims (docs/adr/0019-ledger-claim-in-the-insert.md): the claims
 * are inserted in a data-modifying CTE of the same statement, and only the rows whose claim was
 * new are stored, so a notification and its claim commit together or not at all. The statement
 * returns the ids stored and the claims won; ids ascend in input order (as above), so the k-th
 * smallest id belongs to the k-th row whose claim was won. Claims are distinct (the caller
 * removes repeats).
 */
const CLAIM_ONE = `WITH claimed AS (
    INSERT INTO dh_request_ledger (id) VALUES ($7) ON CONFLICT (id) DO NOTHING RETURNING id
  ), stored AS (
    ${INSERT_COLUMNS}
    SELECT $1::text, $2::text, $3::bigint, $4::bigint, $5::timestamp, $6::jsonb FROM claimed
    RETURNING id
  )
  SELECT (SELECT array_agg(id) FROM stored) AS ids, (SELECT array_agg(id) FROM claimed) AS claims`;

const CLAIM_MANY = `WITH claimed AS (
    INSERT INTO dh_request_ledger (id) SELECT unnest($7::text[])
    ON CONFLICT (id) DO NOTHING RETURNING id
  ), stored AS (
    ${INSERT_COLUMNS}
    SELECT n, d, nw, dt, t::timestamp, p::jsonb
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[])
      WITH ORDINALITY AS u(n, d, nw, dt, t, p, c, ord)
    WHERE c IN (SELECT id FROM claimed)
    ORDER BY ord
    RETURNING id
  )
  SELECT (SELECT array_agg(id) FROM stored) AS ids, (SELECT array_agg(id) FROM claimed) AS claims`;

/** The parameters of one row (single-row statements). */
function rowParams(n: NewNotification): unknown[] {
  return [
    n.notification,
    n.deviceId,
    n.networkId,
    n.deviceTypeId,
    timestampParam(n.timestamp),
    jsonParam(n.parameters),
  ];
}

/** The array parameters of several rows, one per column (multi-row statements). */
function columnParams(items: readonly NewNotification[]): unknown[] {
  return [
    items.map((n) => n.notification),
    items.map((n) => n.deviceId),
    items.map((n) => n.networkId),
    items.map((n) => n.deviceTypeId),
    items.map((n) => timestampParam(n.timestamp)),
    items.map((n) => jsonParam(n.parameters)),
  ];
}

/** The statement and parameters storing `items` (≥ 1). */
function insertStatement(items: readonly NewNotification[]): [string, unknown[]] {
  if (items.length === 1) return [INSERT_ONE, rowParams(items[0] as NewNotification)];
  return [INSERT_MANY, columnParams(items)];
}

function storedView(n: NewNotification, id: number): StoredNotification {
  return {
    id,
    notification: n.notification,
    deviceId: n.deviceId,
    networkId: n.networkId,
    deviceTypeId: n.deviceTypeId,
    timestamp: formatTimestamp(n.timestamp),
    parameters: n.parameters,
  };
}

/**
 * Stores new notifications with one `INSERT` (a single statement: all rows or none) and returns
 * them in the order given. Ids come from the sequence, drawn row by row in input order (see
 * {@link INSERT_MANY}), so they ascend in the order given. The views are built from the input
 * (timestamps formatted in JS as `to_char` would, docs/api/README.md): only the ids come back from
 * the database.
 */
export async function insertNotifications(
  sql: SqlClient,
  items: readonly NewNotification[],
): Promise<StoredNotification[]> {
  if (items.length === 0) return [];
  const [text, params] = insertStatement(items);
  const { rows } = await sql.query<{ id: number | string }>(text, params);
  if (rows.length !== items.length) throw new Error('INSERT ... RETURNING returned too few rows');
  // RETURNING order is not promised; the sequence order is (see above).
  const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  return items.map((n, i) => storedView(n, ids[i] as number));
}

/** A notification to store once its request ledger claim is won (ADR 0019). */
export interface ClaimedNotification {
  notification: NewNotification;
  /** The bus envelope id claimed in `dh_request_ledger`; distinct within one call. */
  claim: string;
}

/**
 * Claims each item's envelope id in the request ledger and stores the notifications whose claim
 * was new, in one statement ({@link CLAIM_MANY}): for each item, in the order given, the stored
 * notification, or null when its id was claimed before (that request ran already, elsewhere;
 * nothing of it is stored again).
 */
export async function insertClaimedNotifications(
  sql: SqlClient,
  items: readonly ClaimedNotification[],
): Promise<Array<StoredNotification | null>> {
  const [first] = items;
  if (first === undefined) return [];
  const [text, params] =
    items.length === 1
      ? [CLAIM_ONE, [...rowParams(first.notification), first.claim]]
      : [
          CLAIM_MANY,
          [...columnParams(items.map((item) => item.notification)), items.map((i) => i.claim)],
        ];
  const { rows } = await sql.query<{ ids: Array<number | string> | null; claims: string[] | null }>(
    text,
    params,
  );
  const won = new Set(rows[0]?.claims ?? []);
  const ids = (rows[0]?.ids ?? []).map(Number).sort((a, b) => a - b);
  if (ids.length !== won.size) throw new Error('INSERT ... RETURNING returned too few rows');
  let next = 0;
  return items.map((item) =>
    won.has(item.claim) ? storedView(item.notification, ids[next++] as number) : null,
  );
}

/** Stores one new notification (see {@link insertNotifications}). */
export async function insertNotification(
  sql: SqlClient,
  n: NewNotification,
): Promise<StoredNotification> {
  const [stored] = await insertNotifications(sql, [n]);
  if (!stored) throw new Error('INSERT ... RETURNING returned no row');
  return stored;
}

/** The notification with that id on that device, or null. */
export async function findNotification(
  sql: SqlClient,
  deviceId: string,
  id: number,
): Promise<StoredNotification | null> {
  const row = await selectOnDevice<NotificationRow>(sql, 'dh_notification', COLUMNS, deviceId, id);
  return row ? toStored(row) : null;
}

/** One page of a device's notifications. */
export async function listNotifications(
  sql: SqlClient,
  filter: NotificationFilter,
  page: EventPage,
): Promise<StoredNotification[]> {
  const where = listWhere(filter, 'notification');
  const rows = await selectPage<NotificationRow>(sql, 'dh_notification', COLUMNS, where, page);
  return rows.map(toStored);
}

/**
 * Stored notifications for a subscription's timestamp replay (docs/api/subscriptions.md
 * `notification/subscribe`): inside the scope, with timestamp ≥ `since`, oldest first, at most
 * `limit`.
 */
export async function findNotificationsSince(
  sql: SqlClient,
  scope: EventScope,
  since: Date,
  limit: number,
): Promise<StoredNotification[]> {
  const where = whereEventScope(new SqlBuilder(), scope, 'notification');
  where.where(`timestamp >= ${where.param(timestampParam(since))}::timestamp`);
  const rows = await selectSince<NotificationRow>(
    sql,
    'dh_notification',
    COLUMNS,
    where,
    'timestamp',
    limit,
  );
  return rows.map(toStored);
}
