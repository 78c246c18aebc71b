import type { RequestSubscription } from '../events/device-event';
import { parseFilter } from './topic-parse';
import {
  isEventKind,
  type EventFilter,
  type EventTopicKind,
  type LevelWildcard,
  type TopicFilter,
} from './topic.types';

/** The concrete ids an event filter names; null where the level is a wildcard. */
export interface EventFilterScope {
  readonly kind: EventTopicKind;
  readonly networkId: number | null;
  readonly deviceTypeId: number | null;
  readonly deviceId: string | null;
}

/**
 * How a topic subscription is listed by `subscription/list` (docs/topics/notification.md,
 * docs/api/subscriptions.md).
 */
export type TopicSubscriptionInfo = Pick<
  RequestSubscription,
  'type' | 'deviceId' | 'networkIds' | 'deviceTypeIds' | 'names' | 'returnUpdatedCommands'
>;

function concrete<T>(level: T | LevelWildcard): T | null {
  return level === '+' || level === '#' ? null : level;
}

function asEventFilter(filter: string | TopicFilter): EventFilter | null {
  const parsed = typeof filter === 'string' ? parseFilter(filter) : filter;
  return isEventKind(parsed.kind) ? (parsed as EventFilter) : null;
}

/**
 * The network, device type and device an event filter names, so the broker can refuse a filter
 * naming what the principal cannot access (SUBACK 0x80, docs/topics/README.md). Null when the
 * filter is not a valid event filter; `dh/#` or `#` name nothing and are not event filters.
 */
export function eventFilterScope(filter: string | TopicFilter): EventFilterScope | null {
  const event = asEventFilter(filter);
  if (!event) return null;
  return {
    kind: event.kind,
    networkId: concrete(event.networkId),
    deviceTypeId: concrete(event.deviceTypeId),
    deviceId: concrete(event.deviceId),
  };
}

/**
 * An MQTT event subscription in `subscription/list` shape (docs/topics/notification.md): concrete
 * levels become one-element lists, wildcards null; `dh/command_update/…` is a command subscription
 * with `returnUpdatedCommands`. Null when the filter is not a valid event filter.
 */
export function eventFilterToSubscription(
  filter: string | TopicFilter,
): TopicSubscriptionInfo | null {
  const event = asEventFilter(filter);
  if (!event) return null;
  const networkId = concrete(event.networkId);
  const deviceTypeId = concrete(event.deviceTypeId);
  const name = concrete(event.name);
  return {
    type: event.kind === 'notification' ? 'notification' : 'command',
    deviceId: concrete(event.deviceId),
    networkIds: networkId === null ? null : [networkId],
    deviceTypeIds: deviceTypeId === null ? null : [deviceTypeId],
    names: name === null ? null : [name],
    returnUpdatedCommands: event.kind === 'command_update',
  };
}
