import { isTopicDeviceId, parseIdLevel } from './topic-parts';
import {
  DEFAULT_TOPIC_LIMITS,
  LEVEL_SEPARATOR,
  MULTI_LEVEL_WILDCARD,
  SINGLE_LEVEL_WILDCARD,
  hasWildcard,
  validateFilter,
  validatePublishTopic,
  type TopicLimits,
} from './topic-validation';
import {
  DH_ROOT,
  OWNER_SEPARATOR,
  type EventFilter,
  type EventTopic,
  type EventTopicKind,
  type InvalidTopic,
  type LevelWildcard,
  type RequestTopic,
  type Topic,
  type TopicFilter,
} from './topic.types';

const REQUEST: RequestTopic = Object.freeze({ kind: 'request' });
const ORDINARY = Object.freeze({ kind: 'ordinary' } as const);
const invalid = (reason: string): InvalidTopic => ({ kind: 'invalid', reason });

/** A well-formed text split into the parts of docs/topics/README.md. */
interface DhParts {
  /** Second level, undefined for `dh` alone. */
  readonly kind: string | undefined;
  /** Levels between the kind and the owner suffix. */
  readonly args: readonly string[];
  /** Everything after the first `@` (docs/topics/README.md), null without `@`. */
  readonly owner: string | null;
}

type Root =
  | { readonly kind: 'dh'; readonly parts: DhParts }
  | { readonly kind: 'sys'; readonly root: string }
  | { readonly kind: 'ordinary' }
  | { readonly kind: 'wildcard' };

function classifyRoot(text: string): Root {
  const slash = text.indexOf(LEVEL_SEPARATOR);
  const first = slash < 0 ? text : text.slice(0, slash);
  if (first === SINGLE_LEVEL_WILDCARD || first === MULTI_LEVEL_WILDCARD)
    return { kind: 'wildcard' };
  if (first.startsWith('$')) return { kind: 'sys', root: first };
  if (first !== DH_ROOT) return { kind: 'ordinary' };
  const at = text.indexOf(OWNER_SEPARATOR);
  const base = at < 0 ? text : text.slice(0, at);
  const [, kind, ...args] = base.split(LEVEL_SEPARATOR);
  return { kind: 'dh', parts: { kind, args, owner: at < 0 ? null : text.slice(at + 1) } };
}

/**
 * Parses a PUBLISH topic name (docs/topics/README.md). Never throws: anything unacceptable is
 * `{ kind: 'invalid', reason }` — malformed MQTT (empty, NUL, lone surrogates, wildcards, over
 * `limits`), unknown `dh/<word>`, a wrong level count, an empty level where a value is needed,
 * non-canonical network/device-type ids, device ids outside `[a-zA-Z0-9-]+`, an empty owner.
 * `$`-topics are `sys`; other non-`dh` topics are `ordinary`.
 */
export function parseTopic(topic: string, limits: TopicLimits = DEFAULT_TOPIC_LIMITS): Topic {
  const check = validatePublishTopic(topic, limits);
  if (!check.valid) return invalid(check.reason);
  const root = classifyRoot(topic);
  switch (root.kind) {
    case 'sys':
      return { kind: 'sys', root: root.root };
    case 'dh':
      return parseDhTopic(root.parts);
    default:
      return ORDINARY;
  }
}

function parseDhTopic({ kind, args, owner }: DhParts): Topic {
  if (owner === '') return invalid('empty owner after @');
  switch (kind) {
    case 'request':
      return args.length === 0 && owner === null
        ? REQUEST
        : invalid('dh/request takes no levels nor owner');
    case 'response': {
      if (owner === null) return invalid('response topic without @owner');
      if (args.length === 0 || args.includes('')) return invalid('empty action level');
      return { kind: 'response', action: args.join(LEVEL_SEPARATOR), owner };
    }
    case 'notification':
    case 'command':
    case 'command_update':
      return parseEventTopic(kind, args, owner);
    case undefined:
    case '':
      return invalid('DeviceHive topic without a kind');
    default:
      return invalid('unknown DeviceHive topic kind');
  }
}

function parseEventTopic(
  kind: EventTopicKind,
  args: readonly string[],
  owner: string | null,
): Topic {
  if (args.length !== 4) return invalid('event topic needs networkId/deviceTypeId/deviceId/name');
  const [network, deviceType, deviceId, name] = args;
  const networkId = parseIdLevel(network);
  if (networkId === null) return invalid('networkId is not a canonical integer');
  const deviceTypeId = parseIdLevel(deviceType);
  if (deviceTypeId === null) return invalid('deviceTypeId is not a canonical integer');
  if (!isTopicDeviceId(deviceId)) return invalid('deviceId is not [a-zA-Z0-9-]+');
  if (name === '') return invalid('empty name level');
  const event: EventTopic = { kind, networkId, deviceTypeId, deviceId, name, owner };
  return event;
}

/**
 * Parses a SUBSCRIBE topic filter (docs/topics/README.md): `+` and `#` wherever MQTT allows them.
 * Never throws. On top of {@link parseTopic}'s rules: a filter whose first level is a wildcard is
 * `{ kind: 'wildcard', scope: 'any' }`, `dh/+/…` and `dh/#` are `scope: 'dh'`; `dh/request/#` is
 * `request` (it matches `dh/request`); a response filter with a wildcard has null action and owner
 * (a `+` may absorb an `@`, so no owner can be read from it); an owner suffix must be concrete;
 * a response filter with neither wildcard nor owner is invalid (it can match no reply).
 */
export function parseFilter(
  filter: string,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): TopicFilter {
  const check = validateFilter(filter, limits);
  if (!check.valid) return invalid(check.reason);
  const root = classifyRoot(filter);
  switch (root.kind) {
    case 'wildcard':
      return { kind: 'wildcard', scope: 'any' };
    case 'sys':
      return { kind: 'sys', root: root.root };
    case 'dh':
      return parseDhFilter(root.parts);
    default:
      return ORDINARY;
  }
}

const isWildcard = (level: string): level is LevelWildcard =>
  level === SINGLE_LEVEL_WILDCARD || level === MULTI_LEVEL_WILDCARD;

function parseDhFilter({ kind, args, owner }: DhParts): TopicFilter {
  if (owner === '') return invalid('empty owner after @');
  if (owner !== null && hasWildcard(owner)) return invalid('owner suffix must be concrete');
  switch (kind) {
    case SINGLE_LEVEL_WILDCARD:
    case MULTI_LEVEL_WILDCARD:
      return { kind: 'wildcard', scope: 'dh' };
    case 'request': {
      const matchesRequest =
        args.length === 0 || (args.length === 1 && args[0] === MULTI_LEVEL_WILDCARD);
      return matchesRequest && owner === null
        ? REQUEST
        : invalid('dh/request takes no levels nor owner');
    }
    case 'response': {
      if (args.length === 0 || args.includes('')) return invalid('empty action level');
      if (args.some(isWildcard)) return { kind: 'response', action: null, owner: null };
      if (owner === null) return invalid('response filter without @owner or wildcard');
      return { kind: 'response', action: args.join(LEVEL_SEPARATOR), owner };
    }
    case 'notification':
    case 'command':
    case 'command_update':
      return parseEventFilter(kind, args, owner);
    case undefined:
    case '':
      return invalid('DeviceHive topic without a kind');
    default:
      return invalid('unknown DeviceHive topic kind');
  }
}

function parseEventFilter(
  kind: EventTopicKind,
  args: readonly string[],
  owner: string | null,
): TopicFilter {
  const multi = args.at(-1) === MULTI_LEVEL_WILDCARD;
  if (args.length > 4 || (!multi && args.length !== 4)) {
    return invalid('event filter needs networkId/deviceTypeId/deviceId/name');
  }
  // Levels a trailing `#` covers are reported as '#'.
  const [network = '#', deviceType = '#', deviceId = '#', name = '#'] = args;
  const networkId = isWildcard(network) ? network : parseIdLevel(network);
  if (networkId === null) return invalid('networkId is not a canonical integer');
  const deviceTypeId = isWildcard(deviceType) ? deviceType : parseIdLevel(deviceType);
  if (deviceTypeId === null) return invalid('deviceTypeId is not a canonical integer');
  if (!isWildcard(deviceId) && !isTopicDeviceId(deviceId))
    return invalid('deviceId is not [a-zA-Z0-9-]+');
  if (name === '') return invalid('empty name level');
  const event: EventFilter = { kind, networkId, deviceTypeId, deviceId, name, owner };
  return event;
}
