/** The MQTT topic level separator. */
export const LEVEL_SEPARATOR = '/';
/** Matches exactly one topic level; only valid alone in a filter level [MQTT-4.7.1-3]. */
export const SINGLE_LEVEL_WILDCARD = '+';
/** Matches the parent level and any number of trailing levels; only last and alone [MQTT-4.7.1-2]. */
export const MULTI_LEVEL_WILDCARD = '#';

/**
 * Bounds on topic names and filters, so a hostile client cannot make the broker split or match
 * tens of thousands of levels (docs/reliability.md).
 */
export interface TopicLimits {
  /** Maximum UTF-8 length in bytes. MQTT itself caps topics at 65535 bytes [MQTT-4.7.3-3]. */
  readonly maxBytes: number;
  /** Maximum number of levels (`a/b/c` has 3). */
  readonly maxLevels: number;
}

/** 65535 bytes (the MQTT maximum) and 128 levels (DeviceHive topics use at most 6 + the owner's). */
export const DEFAULT_TOPIC_LIMITS: TopicLimits = Object.freeze({
  maxBytes: 65_535,
  maxLevels: 128,
});

/** Outcome of {@link validateFilter} / {@link validatePublishTopic}. */
export type TopicCheck =
  { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: TopicCheck = Object.freeze({ valid: true });
const invalid = (reason: string): TopicCheck => ({ valid: false, reason });

/**
 * The checks shared by topic names and filters, in one pass without allocating: non-empty
 * [MQTT-4.7.3-1], no U+0000 [MQTT-4.7.3-2], well-formed UTF-16 so the UTF-8 encoding is well-formed
 * [MQTT-1.5.3-1] (docs/reliability.md), and the size limits. Returns the reason, or null when fine.
 */
export function checkTopicText(text: string, limits: TopicLimits): string | null {
  if (text.length === 0) return 'empty topic';
  let bytes = 0;
  let levels = 1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return 'NUL character';
    if (unit < 0x80) {
      bytes += 1;
      if (unit === 0x2f) levels++;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'lone surrogate (ill-formed UTF-16)';
      bytes += 4;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return 'lone surrogate (ill-formed UTF-16)';
    } else {
      bytes += 3;
    }
    if (bytes > limits.maxBytes) return `longer than ${limits.maxBytes} bytes`;
    if (levels > limits.maxLevels) return `more than ${limits.maxLevels} levels`;
  }
  return null;
}

/**
 * Whether a SUBSCRIBE topic filter is well-formed MQTT 3.1.1: the text checks of
 * {@link checkTopicText}, `#` only as the whole last level [MQTT-4.7.1-2], `+` only as a whole
 * level [MQTT-4.7.1-3]. Says nothing about DeviceHive rules; see `parseFilter`.
 */
export function validateFilter(
  filter: string,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): TopicCheck {
  const textError = checkTopicText(filter, limits);
  if (textError) return invalid(textError);
  const levels = filter.split(LEVEL_SEPARATOR);
  const last = levels.length - 1;
  for (let i = 0; i <= last; i++) {
    const level = levels[i];
    if (level.includes(MULTI_LEVEL_WILDCARD) && (level !== MULTI_LEVEL_WILDCARD || i !== last)) {
      return invalid("'#' must be the whole last level");
    }
    if (level.includes(SINGLE_LEVEL_WILDCARD) && level !== SINGLE_LEVEL_WILDCARD) {
      return invalid("'+' must be a whole level");
    }
  }
  return VALID;
}

/**
 * Whether a PUBLISH topic name is well-formed MQTT 3.1.1: the text checks of
 * {@link checkTopicText} and no wildcard character anywhere [MQTT-3.3.2-2].
 */
export function validatePublishTopic(
  topic: string,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): TopicCheck {
  const textError = checkTopicText(topic, limits);
  if (textError) return invalid(textError);
  if (topic.includes(SINGLE_LEVEL_WILDCARD) || topic.includes(MULTI_LEVEL_WILDCARD)) {
    return invalid('wildcard in a topic name');
  }
  return VALID;
}

/** Whether a string contains a wildcard character. */
export function hasWildcard(text: string): boolean {
  return text.includes(SINGLE_LEVEL_WILDCARD) || text.includes(MULTI_LEVEL_WILDCARD);
}
