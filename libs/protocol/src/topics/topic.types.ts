import type { DeviceEventKind } from '../events/device-event';

/**
 * First level of every DeviceHive topic (docs/topics/README.md); matched case-sensitively like
 * MQTT.
 */
export const DH_ROOT = 'dh';
/** The one topic requests are published to (docs/topics/README.md, docs/topics/request.md). */
export const REQUEST_TOPIC = 'dh/request';
/** Prefix of reply topics `dh/response/{action}@{clientId}`. */
export const RESPONSE_TOPIC_PREFIX = 'dh/response/';
/** Separates the last level of a DeviceHive topic from its owner (docs/topics/README.md). */
export const OWNER_SEPARATOR = '@';
/**
 * Reserved action of `dh/response/error@{clientId}`: where a malformed request (no string
 * `action` to route by) is answered (docs/topics/request.md).
 */
export const ERROR_RESPONSE_ACTION = 'error';

/** The second level of event topics, in wire spelling. */
export const EVENT_TOPIC_KINDS = ['notification', 'command', 'command_update'] as const;
export type EventTopicKind = (typeof EVENT_TOPIC_KINDS)[number];

/**
 * Which device event each event topic carries (and which action a native publish is,
 * docs/topics/notification.md).
 */
export const EVENT_KIND_OF_TOPIC: Readonly<Record<EventTopicKind, DeviceEventKind>> = Object.freeze(
  {
    notification: 'notification/insert',
    command: 'command/insert',
    command_update: 'command/update',
  },
);

/** The event topic kind a device event is published on (docs/topics/notification.md). */
export const TOPIC_KIND_OF_EVENT: Readonly<Record<DeviceEventKind, EventTopicKind>> = Object.freeze(
  {
    'notification/insert': 'notification',
    'command/insert': 'command',
    'command/update': 'command_update',
  },
);

/** A filter level that is a wildcard: `+`, or `#` for every level a trailing `#` covers. */
export type LevelWildcard = '+' | '#';

/** `dh/request` (as a filter also `dh/request/#`, which matches it). */
export interface RequestTopic {
  readonly kind: 'request';
}

/**
 * `dh/response/{action}@{owner}`; `action` may contain `/`, `owner` is everything after the first
 * `@`.
 */
export interface ResponseTopic {
  readonly kind: 'response';
  readonly action: string;
  readonly owner: string;
}

/** The levels of an event topic `dh/{kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}`. */
export interface EventTopicFields {
  readonly networkId: number;
  readonly deviceTypeId: number;
  readonly deviceId: string;
  readonly name: string;
}

/**
 * A concrete event topic; `owner` non-null makes it private to that client (docs/topics/README.md).
 */
export interface EventTopic extends EventTopicFields {
  readonly kind: EventTopicKind;
  readonly owner: string | null;
}

/** Any topic whose first level is neither `dh` nor starts with `$`. */
export interface OrdinaryTopic {
  readonly kind: 'ordinary';
}

/**
 * A topic whose first level starts with `$` (server-reserved, MQTT 3.1.1 §4.7.2); `root` is that
 * level, e.g. `$SYS`, so the broker can gate `$SYS` to admins and refuse the rest
 * (docs/reliability.md).
 */
export interface SysTopic {
  readonly kind: 'sys';
  readonly root: string;
}

/** Not acceptable; `reason` is a diagnostic text, not a stable code. */
export interface InvalidTopic {
  readonly kind: 'invalid';
  readonly reason: string;
}

/** What a PUBLISH topic name is (docs/topics/README.md). Plain data. */
export type Topic =
  RequestTopic | ResponseTopic | EventTopic | OrdinaryTopic | SysTopic | InvalidTopic;

/**
 * A response filter. `action` is null when an action level is a wildcard; `owner` is null when the
 * filter names no owner (it ends in a wildcard), so it may match replies of any client at MQTT
 * level and delivery must check ownership (`isDeliverableTo`).
 */
export interface ResponseFilter {
  readonly kind: 'response';
  readonly action: string | null;
  readonly owner: string | null;
}

/** An event filter: each level is concrete or a wildcard; `owner` as in {@link EventTopic}. */
export interface EventFilter {
  readonly kind: EventTopicKind;
  readonly networkId: number | LevelWildcard;
  readonly deviceTypeId: number | LevelWildcard;
  readonly deviceId: string | LevelWildcard;
  readonly name: string | LevelWildcard;
  readonly owner: string | null;
}

/**
 * A filter spanning several topic kinds: `scope: 'dh'` for `dh/+/…` and `dh/#`; `scope: 'any'`
 * when the first level is a wildcard (`#`, `+/request`), which matches DeviceHive and ordinary
 * topics but never `$` topics [MQTT-4.7.2-1].
 */
export interface WildcardFilter {
  readonly kind: 'wildcard';
  readonly scope: 'dh' | 'any';
}

/** What a SUBSCRIBE topic filter is (docs/topics/README.md). Plain data. */
export type TopicFilter =
  | RequestTopic
  | ResponseFilter
  | EventFilter
  | WildcardFilter
  | OrdinaryTopic
  | SysTopic
  | InvalidTopic;

/** Whether a parsed topic or filter is an event one. */
export function isEventKind(kind: string): kind is EventTopicKind {
  return kind === 'notification' || kind === 'command' || kind === 'command_update';
}
