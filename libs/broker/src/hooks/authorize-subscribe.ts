import {
  Permission,
  UserRole,
  canSeeDeviceType,
  canSeeNetwork,
  eventFilterScope,
  hasPermission,
  isEventKind,
  parseFilter,
  type EventFilter,
  type Principal,
  type TopicFilter,
} from '@dh-mqtt/protocol';
import type { AedesOptions } from 'aedes';
import type { BrokerContext, BrokerSettings } from '../broker-context';
import { isAcceptableWireText } from './wire-text';

type AuthorizeSubscribe = NonNullable<AedesOptions['authorizeSubscribe']>;

/**
 * aedes `authorizeSubscribe` (docs/topics/README.md, docs/topics/request.md, docs/reliability.md).
 * A refused filter gets SUBACK 0x80; the connection stays open. A filter with NUL or ill-formed
 * UTF-8 closes it instead [MQTT-1.5.3-1, MQTT-1.5.3-2].
 * - `dh/request` (and `dh/request/#`): refused for everyone.
 * - `dh/response/...@{owner}`: only the owner. Response filters with a wildcard are accepted;
 *   `authorizeForward` keeps other clients' replies out. Anonymous sessions may subscribe to their
 *   own replies of any action (they need the 401 replies of guarded actions too).
 * - event filters: authenticated sessions with the Get permission only, and no concrete network
 *   or device type outside the principal's scope (`eventFilterScope`).
 * - `dh/#`, `dh/+/...`: authenticated sessions only; `#`, `+/...`: everyone (they match
 *   DeviceHive topics, but delivery is checked per packet, and `#` never matches `$` topics).
 * - unknown or malformed `dh/...`: refused.
 * - `$SYS/...`: admins only (everyone when `sysTopicsAdminOnly` is false); other `$` filters:
 *   refused. Ordinary filters: accepted.
 * Client ids and usernames never enter a pattern here: only the parsed owner is compared, so a
 * `+` or `#` in them cannot widen anything (and such client ids are refused at CONNECT).
 */
export function createAuthorizeSubscribe(ctx: BrokerContext): AuthorizeSubscribe {
  return (client, subscription, callback) => {
    const text = subscription.topic;
    if (!isAcceptableWireText(text)) return callback(new Error('ill-formed topic filter'), null);
    const session = ctx.sessions.get(client);
    const principal = session?.principal ?? null;
    const allowed =
      mayFilter(parseFilter(text), client.id, principal, ctx.settings) &&
      // DH_MAX_SUBSCRIPTIONS_PER_CLIENT (docs/reliability.md): counted only once otherwise allowed.
      (session === undefined || ctx.limits.admitFilter(session, text));
    if (!allowed) ctx.logger.debug({ clientId: client.id }, 'subscription refused');
    if (!allowed || !isPrivateEventFilter(text, client.id)) {
      return callback(null, allowed ? subscription : null);
    }
    // A private event filter is served by the pod-local push listener: it listens before the
    // SUBACK, and the session (a push target from the 'subscribe' event on) keeps it (ADR 0009).
    const grant = () => {
      callback(null, subscription);
      ctx.pushInterest.release();
    };
    void ctx.pushInterest.hold().then(grant, grant);
  };
}

function isPrivateEventFilter(text: string, clientId: string): boolean {
  const filter = parseFilter(text);
  return isEventKind(filter.kind) && (filter as EventFilter).owner === clientId;
}

function mayFilter(
  filter: TopicFilter,
  clientId: string,
  principal: Principal | null,
  settings: BrokerSettings,
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
      return (
        filter.root === '$SYS' &&
        (settings.sysTopicsAdminOnly === false || principal?.role === UserRole.Admin)
      );
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
  const scope = eventFilterScope(filter);
  if (scope === null) return false;
  if (scope.networkId !== null && !canSeeNetwork(principal, scope.networkId)) return false;
  return scope.deviceTypeId === null || canSeeDeviceType(principal, scope.deviceTypeId);
}
