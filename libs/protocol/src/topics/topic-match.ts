import { LEVEL_SEPARATOR, MULTI_LEVEL_WILDCARD, SINGLE_LEVEL_WILDCARD } from './topic-validation';
import { DH_ROOT, OWNER_SEPARATOR } from './topic.types';

/**
 * MQTT 3.1.1 matching of a topic name against a filter (docs/api/commands.md): `+` matches exactly
 * one level (possibly empty), `#` matches zero or more trailing levels, so `a/#` matches `a`; a
 * filter starting with a wildcard never matches a topic starting with `$` [MQTT-4.7.2-1].
 * Ownership is not considered: `dh/response/#` matches `dh/response/x@c1` here, and delivery
 * must also pass {@link isDeliverableTo}. Both arguments are assumed valid
 * (`validateFilter`, `validatePublishTopic`); it never throws.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (
    topic.startsWith('$') &&
    (filter.startsWith(SINGLE_LEVEL_WILDCARD) || filter.startsWith(MULTI_LEVEL_WILDCARD))
  ) {
    return false;
  }
  const filterLevels = filter.split(LEVEL_SEPARATOR);
  const topicLevels = topic.split(LEVEL_SEPARATOR);
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === MULTI_LEVEL_WILDCARD) return true;
    if (i >= topicLevels.length) return false;
    if (level !== SINGLE_LEVEL_WILDCARD && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

/**
 * The owner of a DeviceHive topic: everything after the first `@` (docs/topics/README.md), so
 * client ids may contain `@` and `/`. Null when the topic has no owner, is empty after `@`, or is
 * not a `dh/` topic (an `@` in an ordinary topic means nothing).
 */
export function ownerOf(topic: string): string | null {
  if (!topic.startsWith(DH_ROOT + LEVEL_SEPARATOR)) return null;
  const at = topic.indexOf(OWNER_SEPARATOR);
  if (at < 0 || at === topic.length - 1) return null;
  return topic.slice(at + 1);
}

/** Whether the topic is private to exactly this client (its owner is `clientId`). */
export function isPrivateTo(topic: string, clientId: string): boolean {
  const owner = ownerOf(topic);
  return owner !== null && owner === clientId;
}

/**
 * Whether a message on this topic may be delivered to that client as far as ownership goes: the
 * topic has no owner, or it is that client (docs/topics/README.md, docs/topics/request.md: "never
 * anyone else"). Permission checks on events are separate (docs/topics/notification.md).
 */
export function isDeliverableTo(topic: string, clientId: string): boolean {
  const owner = ownerOf(topic);
  return owner === null || owner === clientId;
}
