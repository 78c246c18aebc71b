import {
  Permission,
  UserRole,
  canSeeDeviceType,
  canSeeNetwork,
  hasPermission,
  isEventKind,
  parseFilter,
  type EventFilter,
  type Principal,
} from '@dh-mqtt/protocol';
import type { AedesOptions } from 'aedes';
import type { BrokerContext } from '../broker-context';

type AuthorizeSubscribe = NonNullable<AedesOptions['authorizeSubscribe']>;

/**
 * aedes `authorizeSubscribe` (mqtt-api.md §2, §3, §7). A refused filter gets SUBACK 0x80; the
 * connection stays open.
 * - `dh/request` (and `dh/request/#`): refused for everyone.
 * - `dh/response/...@{owner}`: only the owner. Response filters with a wildcard are accepted;
 *   `authorizeForward` keeps other clients' replies out. Anonymous sessions may subscribe to their
 *   own replies of any action (they need the 401 replies of guarded actions too).
 * - event filters: authenticated sessions with the Get permission only, and no concrete network
 *   or device type outside the principal's scope.
 * - `dh/#`, `dh/+/...`: authenticated sessions only; `#`, `+/...`: everyone (they match
 *   DeviceHive topics, but delivery is checked per packet).
 * - `$SYS/...`: admins only; other `$` filters: refused. Ordinary filters: accepted.
 */
export function createAuthorizeSubscribe(ctx: BrokerContext): AuthorizeSubscribe {
  return (client, subscription, callback) => {
    const principal = ctx.sessions.get(client)?.principal ?? null;
    const allowed = mayFilter(parseFilter(subscription.topic), client.id, principal);
    if (!allowed) ctx.logger.debug({ clientId: client.id }, 'subscription refused');
    callback(null, allowed ? subscription : null);
  };
}

function mayFilter(
  filter: ReturnType<typeof parseFilter>,
  clientId: string,
  principal: Principal | null,
): boolean {
  switch (filter.kind) {
    case 'ordinary':
      return true;
    case 'request':
    case 'invalid':
      return false;
    case 'response':
      return filter.owner === null || filter.owner === clientId;
    case 'wildcard':
      return filter.scope === 'any' || principal !== null;
    case 'sys':
      return filter.root === '$SYS' && principal?.role === UserRole.Admin;
    default:
      return isEventKind(filter.kind) && mayFilterEvents(filter, clientId, principal);
  }
}

function mayFilterEvents(filter: EventFilter, clientId: string, principal: Principal | null) {
  if (principal === null) return false;
  if (filter.owner !== null && filter.owner !== clientId) return false;
  const permission =
    filter.kind === 'notification' ? Permission.GetDeviceNotification : Permission.GetDeviceCommand;
  if (!hasPermission(principal, permission)) return false;
  if (typeof filter.networkId === 'number' && !canSeeNetwork(principal, filter.networkId)) {
    return false;
  }
  return (
    typeof filter.deviceTypeId !== 'number' || canSeeDeviceType(principal, filter.deviceTypeId)
  );
}
