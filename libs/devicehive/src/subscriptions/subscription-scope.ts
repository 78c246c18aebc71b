import {
  DhError,
  UserRole,
  inScope,
  type IdScope,
  type Principal,
  type SubscriptionFilter,
} from '@dh-mqtt/protocol';
import type { ActionContext } from '../core/action';
import {
  requirePrincipal,
  requireVisibleDevice,
  visibleDeviceTypeIds,
  visibleNetworkIds,
} from '../core/access';
import type { EventScope } from '../repositories/command-notification.query';
import type { SqlClient } from '../storage/sql-client.port';

/** What a subscribe request asks for (docs/api/subscriptions.md `command/subscribe`). */
export interface SubscribeAsk {
  /** undefined = not given; '' is a 400. */
  deviceId: string | undefined;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
}

/** The subscription's expanded filters (null = global) and the scope its replay reads. */
export interface ResolvedScope {
  filters: SubscriptionFilter[] | null;
  scope: EventScope;
}

type Axis = 'network' | 'deviceType';

const AXES = {
  network: {
    table: 'dh_network',
    visible: visibleNetworkIds,
    notFound: 'NETWORKS_NOT_FOUND',
  },
  deviceType: {
    table: 'dh_device_type',
    visible: visibleDeviceTypeIds,
    notFound: 'DEVICE_TYPES_NOT_FOUND',
  },
} as const;

/** Ids of existing rows of `table` within `scope`, ascending. */
async function existingIds(sql: SqlClient, table: string, scope: IdScope): Promise<number[]> {
  const { rows } =
    scope === '*'
      ? await sql.query<{ id: unknown }>(`SELECT id FROM ${table} ORDER BY id`)
      : await sql.query<{ id: unknown }>(
          `SELECT id FROM ${table} WHERE id = ANY($1::bigint[]) ORDER BY id`,
          [[...scope]],
        );
  return rows.map((row) => Number(row.id));
}

/** How the reference prints a `Set<Long>` inside `{%s}` (docs/api/README.md): `[1, 99]`. */
function javaSet(ids: readonly number[]): string {
  return `[${ids.join(', ')}]`;
}

/**
 * Given ids must all exist and be visible; else CLIENT 403 `Access is denied`, ADMIN 404 with the
 * requested set (docs/api/commands.md, like the reference's BaseFilterService).
 */
async function validateGiven(
  sql: SqlClient,
  principal: Principal,
  axis: Axis,
  ids: readonly number[],
): Promise<number[]> {
  const { table, visible, notFound } = AXES[axis];
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const scope = visible(principal);
  const found = (await existingIds(sql, table, unique)).filter((id) => inScope(scope, id));
  if (found.length !== unique.length) {
    if (principal.role !== UserRole.Admin) throw new DhError('DH_ERR_ACCESS_DENIED');
    throw new DhError(notFound, javaSet(unique));
  }
  return unique;
}

/** Given ids, else '*' when the principal sees everything on that axis, else its visible ids. */
async function resolveAxis(
  sql: SqlClient,
  principal: Principal,
  axis: Axis,
  given: readonly number[] | null,
): Promise<IdScope> {
  if (given) return validateGiven(sql, principal, axis, given);
  return AXES[axis].visible(principal);
}

function noAccess(): DhError {
  return new DhError('NO_ACCESS_TO_DEVICE_TYPES_OR_NETWORKS');
}

/**
 * Validates a subscribe request and expands it into filter tuples (docs/api/subscriptions.md):
 * - `deviceId` ⇒ (device's network, device's type, device) × names; given network/type ids are
 *   still validated;
 * - no device, principal wildcard on networks AND types, no ids given ⇒ global (null);
 * - otherwise networks × types × names, a wildcard axis expanded to the rows visible now (later
 *   networks/types are not matched; later devices inside them are).
 * Errors: '' deviceId 400; bad network/type ids 403/404 (see validateGiven); a principal that can
 * see no network or no device type 403 `No access to any device type or network`; unknown or
 * invisible device 404.
 */
export async function resolveSubscriptionScope(
  ctx: ActionContext,
  ask: SubscribeAsk,
): Promise<ResolvedScope> {
  const principal = requirePrincipal(ctx);
  if (ask.deviceId === '') throw new DhError('DEVICE_ID_REQUIRED');
  const networks = await resolveAxis(ctx.sql, principal, 'network', ask.networkIds);
  const deviceTypes = await resolveAxis(ctx.sql, principal, 'deviceType', ask.deviceTypeIds);
  if (networks !== '*' && networks.length === 0) throw noAccess();
  if (deviceTypes !== '*' && deviceTypes.length === 0) throw noAccess();
  const names = ask.names;
  const nameSlots = names ?? [null];

  if (ask.deviceId !== undefined) {
    const device = await requireVisibleDevice(ctx, ask.deviceId);
    return {
      filters: nameSlots.map((name) => ({
        networkId: device.networkId,
        deviceTypeId: device.deviceTypeId,
        deviceId: device.id,
        name,
      })),
      scope: {
        deviceId: device.id,
        networkIds: [device.networkId],
        deviceTypeIds: [device.deviceTypeId],
        names,
      },
    };
  }
  if (networks === '*' && deviceTypes === '*') {
    return {
      filters: null,
      scope: { deviceId: null, networkIds: null, deviceTypeIds: null, names },
    };
  }
  const networkList = await existingIds(ctx.sql, 'dh_network', networks);
  const typeList = await existingIds(ctx.sql, 'dh_device_type', deviceTypes);
  if (networkList.length === 0 || typeList.length === 0) throw noAccess();
  const filters: SubscriptionFilter[] = [];
  for (const networkId of networkList) {
    for (const deviceTypeId of typeList) {
      for (const name of nameSlots) filters.push({ networkId, deviceTypeId, deviceId: null, name });
    }
  }
  return {
    filters,
    scope: { deviceId: null, networkIds: networkList, deviceTypeIds: typeList, names },
  };
}
