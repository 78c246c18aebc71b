import {
  MAX_REPLAY_LIMIT,
  NOTIFICATION_REPLAY_LIMIT,
  type ActionOutcome,
  type SubscriptionIdGenerator,
} from '@dh-mqtt/devicehive';
import {
  DEFAULT_REPLAY_LIMIT,
  DhError,
  UserRole,
  type ActionName,
  type DeviceEvent,
  type JsonObject,
  type Principal,
  type RequestSubscription,
  type SubscriptionFilter,
  type SubscriptionType,
} from '@dh-mqtt/protocol';
import { dhTimestamp } from '../actions/remote-routes';
import { remoteError } from '../http/remote-errors';
import { SCOPE_PAGE } from '../identity/remote-identity';
import type { RemoteApi } from '../remote-api';
import { eventFromRemote } from './remote-events';

/** A call with the session's token (remote-devicehive.ts renews it when it expired). */
export type TokenCall = (
  action: ActionName,
  method: 'GET',
  url: string,
) => Promise<{ status: number; body: unknown }>;

function idList(value: unknown, name: string): number[] | null {
  if (value == null) return null;
  if (!Array.isArray(value)) throw DhError.validation(`${name} must be an array of integers`);
  const ids = value.map((item) =>
    typeof item === 'string' && /^\s*-?\d+\s*$/.test(item) ? Number(item) : item,
  );
  if (!ids.every((id): id is number => Number.isSafeInteger(id))) {
    throw DhError.validation(`${name} must be an array of integers`);
  }
  return ids.length > 0 ? ids : null;
}

function nameList(value: unknown): string[] | null {
  if (value == null) return null;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw DhError.validation('names must be an array of strings');
  }
  return value.length > 0 ? value : null;
}

function readLimit(value: unknown): number {
  if (value == null) return DEFAULT_REPLAY_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return Math.min(value, MAX_REPLAY_LIMIT);
}

/** How the reference prints a set of ids inside `{%s}`: `[1, 99]`. */
const javaSet = (ids: readonly number[]) => `[${ids.join(', ')}]`;

function idsOf(body: unknown): number[] {
  if (!Array.isArray(body)) return [];
  return body
    .map((entity) => (entity as JsonObject | null)?.['id'])
    .filter((id): id is number => Number.isSafeInteger(id));
}

export interface SubscribeContext {
  api: RemoteApi;
  principal: Principal;
  call: TokenCall;
  ids: SubscriptionIdGenerator;
}

/**
 * `notification/subscribe` and `command/subscribe` on the remote backend (docs/adr/0014,
 * "Subscriptions"): the same filters as the embedded core, with the server deciding what the
 * session's token may see —
 * - `deviceId`: `GET /device/{id}` (the server's 404/403), one filter per name;
 * - no device, a principal that sees every network and device type, no ids: global;
 * - otherwise the networks and device types the server lists for the token (`GET /network`,
 *   `GET /devicetype`), given ids checked against them (CLIENT 403, ADMIN 404 as the core).
 * With `timestamp`, the stored events since then are read from the server for the replay.
 * The broker registers the subscription; live events come from the remote event stream.
 */
export async function subscribeRemote(
  ctx: SubscribeContext,
  type: SubscriptionType,
  request: JsonObject,
): Promise<ActionOutcome> {
  const action: ActionName = `${type}/subscribe`;
  const deviceId = request['deviceId'];
  if (deviceId === '' || (deviceId != null && typeof deviceId !== 'string')) {
    throw new DhError('DEVICE_ID_REQUIRED');
  }
  const networkIds = idList(request['networkIds'], 'networkIds');
  const deviceTypeIds = idList(request['deviceTypeIds'], 'deviceTypeIds');
  const names = nameList(request['names']);
  const returnUpdatedCommands = type === 'command' && request['returnUpdatedCommands'] === true;
  const limit = type === 'command' ? readLimit(request['limit']) : NOTIFICATION_REPLAY_LIMIT;
  const given = request['timestamp'];
  const timestamp =
    given instanceof Date ? dhTimestamp(given) : typeof given === 'string' ? given : null;

  const filters = await resolveFilters(ctx, action, {
    deviceId: deviceId ?? null,
    networkIds,
    deviceTypeIds,
    names,
  });
  const subscription: RequestSubscription = {
    subscriptionId: ctx.ids.next(),
    type,
    deviceId: deviceId ?? null,
    networkIds: request['networkIds'] == null ? null : (networkIds ?? []),
    deviceTypeIds: request['deviceTypeIds'] == null ? null : (deviceTypeIds ?? []),
    names: request['names'] == null ? null : (names ?? []),
    timestamp,
    returnUpdatedCommands,
    filters,
  };
  const outcome: ActionOutcome = {
    body: { subscriptionId: subscription.subscriptionId },
    subscription,
  };
  if (timestamp !== null) {
    outcome.replay = await replay(ctx, type, {
      deviceId: deviceId ?? null,
      networkIds: filters && axis(filters, 'networkId'),
      deviceTypeIds: filters && axis(filters, 'deviceTypeId'),
      names,
      timestamp,
      limit,
      returnUpdatedCommands,
    });
  }
  return outcome;
}

/** The distinct ids of one axis of the expanded filters. */
function axis(filters: SubscriptionFilter[], key: 'networkId' | 'deviceTypeId'): number[] {
  return [...new Set(filters.map((f) => f[key]).filter((id): id is number => id !== null))];
}

interface Ask {
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
}

async function resolveFilters(
  ctx: SubscribeContext,
  action: ActionName,
  ask: Ask,
): Promise<SubscriptionFilter[] | null> {
  const nameSlots = ask.names ?? [null];
  const { principal } = ctx;
  const admin = principal.role === UserRole.Admin;
  const allNetworks = principal.networkIds === '*' && (admin || principal.userNetworkIds === '*');
  const allTypes =
    principal.deviceTypeIds === '*' && (admin || principal.userDeviceTypeIds === '*');

  if (ask.deviceId !== null) {
    // Given ids are still checked (docs/api/subscriptions.md); the server decides on the device.
    if (ask.networkIds) await visible(ctx, action, 'network', ask.networkIds);
    if (ask.deviceTypeIds) await visible(ctx, action, 'devicetype', ask.deviceTypeIds);
    const path = `/device/${encodeURIComponent(ask.deviceId)}`;
    const found = await ctx.call(action, 'GET', ctx.api.url('rest', path));
    if (found.status !== 200) throw remoteError(found);
    const device = found.body as JsonObject;
    const networkId = Number(device['networkId']);
    const deviceTypeId = Number(device['deviceTypeId']);
    return nameSlots.map((name) => ({ networkId, deviceTypeId, deviceId: ask.deviceId, name }));
  }
  if (allNetworks && allTypes && !ask.networkIds && !ask.deviceTypeIds) return null;
  const networks = await visible(ctx, action, 'network', ask.networkIds);
  const types = await visible(ctx, action, 'devicetype', ask.deviceTypeIds);
  if (networks.length === 0 || types.length === 0) {
    throw new DhError('NO_ACCESS_TO_DEVICE_TYPES_OR_NETWORKS');
  }
  const filters: SubscriptionFilter[] = [];
  for (const networkId of networks) {
    for (const deviceTypeId of types) {
      for (const name of nameSlots) filters.push({ networkId, deviceTypeId, deviceId: null, name });
    }
  }
  return filters;
}

/**
 * The ids of `segment` the server lists for the token, or the given ones when all of them are
 * among those (else CLIENT 403 `Access is denied`, ADMIN 404 naming the set, as the core).
 */
async function visible(
  ctx: SubscribeContext,
  action: ActionName,
  segment: 'network' | 'devicetype',
  given: number[] | null,
): Promise<number[]> {
  const listed = await ctx.call(
    action,
    'GET',
    ctx.api.url('rest', `/${segment}`, { take: SCOPE_PAGE, sortField: 'id', sortOrder: 'ASC' }),
  );
  if (listed.status !== 200) throw remoteError(listed);
  const ids = idsOf(listed.body).sort((a, b) => a - b);
  if (!given) return ids;
  const unique = [...new Set(given)].sort((a, b) => a - b);
  if (unique.every((id) => ids.includes(id))) return unique;
  if (ctx.principal.role !== UserRole.Admin) throw new DhError('DH_ERR_ACCESS_DENIED');
  throw new DhError(
    segment === 'network' ? 'NETWORKS_NOT_FOUND' : 'DEVICE_TYPES_NOT_FOUND',
    javaSet(unique),
  );
}

interface ReplayAsk {
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
  timestamp: string;
  limit: number;
  returnUpdatedCommands: boolean;
}

/**
 * The stored events since `timestamp`, oldest first, at most `limit`: one device's come from its
 * list (`GET /device/{id}/notification|command?start=…`, one call per name); commands updated
 * since then, and events of several devices, from the poll endpoint with a one-second wait.
 */
async function replay(
  ctx: SubscribeContext,
  type: SubscriptionType,
  ask: ReplayAsk,
): Promise<DeviceEvent[]> {
  const action: ActionName = `${type}/subscribe`;
  const kind =
    type === 'notification'
      ? 'notification/insert'
      : ask.returnUpdatedCommands
        ? 'command/update'
        : 'command/insert';
  const found: JsonObject[] = [];
  if (ask.deviceId !== null && !ask.returnUpdatedCommands) {
    const path = `/device/${encodeURIComponent(ask.deviceId)}/${type}`;
    for (const name of ask.names ?? [undefined]) {
      const listed = await ctx.call(
        action,
        'GET',
        ctx.api.url('rest', path, {
          start: ask.timestamp,
          [type]: name,
          sortField: 'timestamp',
          sortOrder: 'ASC',
          take: ask.limit,
        }),
      );
      if (listed.status === 200 && Array.isArray(listed.body)) {
        found.push(...(listed.body as JsonObject[]));
      }
    }
  } else {
    const polled = await ctx.call(
      action,
      'GET',
      ctx.api.url('rest', `/device/${type}/poll`, {
        deviceId: ask.deviceId,
        networkIds: ask.networkIds?.join(','),
        deviceTypeIds: ask.deviceTypeIds?.join(','),
        names: ask.names?.join(','),
        timestamp: ask.timestamp,
        waitTimeout: 1,
        ...(type === 'command'
          ? { returnUpdatedCommands: ask.returnUpdatedCommands, limit: ask.limit }
          : {}),
      }),
    );
    if (polled.status === 200 && Array.isArray(polled.body)) {
      found.push(...(polled.body as JsonObject[]));
    }
  }
  const stamp = (item: JsonObject) => String(item['timestamp'] ?? '');
  const events = found
    .sort((a, b) => stamp(a).localeCompare(stamp(b)))
    .map((item) => eventFromRemote(kind, item))
    .filter((event): event is DeviceEvent => event !== null);
  return events.slice(0, ask.limit);
}
