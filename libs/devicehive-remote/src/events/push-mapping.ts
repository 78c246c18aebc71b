import type { DeviceEvent, DeviceEventKind, JsonObject } from '@dh-mqtt/protocol';

/** The push actions the stream turns into device events, with the field that holds the object. */
export const PUSH_FIELDS: Readonly<Record<DeviceEventKind, 'notification' | 'command'>> = {
  'notification/insert': 'notification',
  'command/insert': 'command',
  'command/update': 'command',
};

export function isEventKind(value: unknown): value is DeviceEventKind {
  return typeof value === 'string' && Object.hasOwn(PUSH_FIELDS, value);
}

/**
 * A pushed (or replayed) notification or command as the remote server wrote it, checked: the parts
 * the stream needs are there and of the right type. `networkId`/`deviceTypeId` may be missing
 * (the DeviceHive documentation's pushes omit them; the Java server 4.1.0 sends them).
 */
export interface RemoteObject {
  kind: DeviceEventKind;
  id: number;
  deviceId: string;
  name: string;
  /** Epoch ms of `timestamp` (`lastUpdated` for a command update), remote clock. */
  at: number;
  networkId: number | null;
  deviceTypeId: number | null;
  raw: JsonObject;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms of a DeviceHive timestamp (`2018-02-08T15:49:29.123`, no zone = UTC); null if not one. */
export function parseRemoteTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const match = ISO.exec(value.trim());
  if (!match) return null;
  const text = match[8] ? value.trim() : `${value.trim()}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The API's timestamp form (`yyyy-MM-ddTHH:mm:ss.SSS`, UTC, no zone), as both servers write it. */
export function formatRemoteTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

function integer(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a pushed object; null when it lacks an id, a device, a name or a timestamp. */
export function readRemoteObject(kind: DeviceEventKind, value: unknown): RemoteObject | null {
  if (!isObject(value)) return null;
  const field = PUSH_FIELDS[kind];
  const id = integer(value['id']);
  const deviceId = value['deviceId'];
  const name = value[field];
  const at = parseRemoteTimestamp(
    kind === 'command/update' ? (value['lastUpdated'] ?? value['timestamp']) : value['timestamp'],
  );
  if (id === null || typeof deviceId !== 'string' || deviceId === '') return null;
  if (typeof name !== 'string' || name === '' || at === null) return null;
  return {
    kind,
    id,
    deviceId,
    name,
    at,
    networkId: integer(value['networkId']),
    deviceTypeId: integer(value['deviceTypeId']),
    raw: value,
  };
}

/**
 * The key that tells one event from another: a notification or command insert by id, a command
 * update by id and `lastUpdated` (each update of a command is its own event).
 */
export function eventKey(object: RemoteObject): string {
  return object.kind === 'command/update'
    ? `u:${object.id}:${object.at}`
    : `${object.kind === 'command/insert' ? 'c' : 'n'}:${object.id}`;
}

function timestampField(value: unknown): unknown {
  const ms = parseRemoteTimestamp(value);
  return ms === null ? (value ?? null) : formatRemoteTimestamp(ms);
}

function orNull(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * The device event of a remote object, its `data` in the embedded backend's shape (the
 * 7-field notification, the 12-field command, in that key order, timestamps `…ss.SSS`), so that a
 * push looks the same whichever backend made it and two readers of one event make identical events
 * (the cluster's content-hash dedup). `originClientId` stays unset: the remote server does not
 * know MQTT clients (docs/adr/0015).
 */
export function toDeviceEvent(
  object: RemoteObject,
  networkId: number,
  deviceTypeId: number,
): DeviceEvent {
  const raw = object.raw;
  const data: JsonObject =
    object.kind === 'notification/insert'
      ? {
          id: object.id,
          notification: object.name,
          deviceId: object.deviceId,
          networkId,
          deviceTypeId,
          timestamp: timestampField(raw['timestamp']),
          parameters: orNull(raw['parameters']),
        }
      : {
          id: object.id,
          command: object.name,
          timestamp: timestampField(raw['timestamp']),
          lastUpdated: timestampField(raw['lastUpdated'] ?? raw['timestamp']),
          userId: orNull(raw['userId']),
          deviceId: object.deviceId,
          networkId,
          deviceTypeId,
          parameters: orNull(raw['parameters']),
          lifetime: orNull(raw['lifetime']),
          status: orNull(raw['status']),
          result: orNull(raw['result']),
        };
  return {
    kind: object.kind,
    deviceId: object.deviceId,
    networkId,
    deviceTypeId,
    name: object.name,
    data,
  };
}
