import { DEFAULT_TOPIC_LIMITS, checkTopicText, hasWildcard } from './topic-validation';
import { OWNER_SEPARATOR } from './topic.types';

// The grammar of single parts of DeviceHive topics (docs/topics/README.md), shared by the parser
// and the formatters so that parse(format(x)) equals x by construction.

const CANONICAL_ID = /^(0|[1-9][0-9]*)$/;
const DEVICE_ID = /^[a-zA-Z0-9-]+$/;

/** A concrete network/device-type level: canonical decimal, so one id has exactly one topic. */
export function parseIdLevel(level: string): number | null {
  if (!CANONICAL_ID.test(level)) return null;
  const id = Number(level);
  return Number.isSafeInteger(id) ? id : null;
}

/** Whether an id can be a network or device-type level: a non-negative safe integer. */
export function isTopicId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0;
}

/** Whether a device id can be a topic level: `[a-zA-Z0-9-]+` (DeviceHive device id grammar). */
export function isTopicDeviceId(deviceId: string): boolean {
  return DEVICE_ID.test(deviceId);
}

/** Text that may appear in any topic name: well-formed, no NUL, no wildcard character. */
function isTopicText(text: string): boolean {
  return checkTopicText(text, DEFAULT_TOPIC_LIMITS) === null && !hasWildcard(text);
}

/**
 * Whether a notification or command name can be the last level of an event topic: non-empty,
 * no `/` (one level), no `@` (starts the owner), no wildcard, no NUL, well-formed.
 * Events whose name fails this cannot be published on a topic.
 */
export function isEventName(name: string): boolean {
  return isTopicText(name) && !name.includes('/') && !name.includes(OWNER_SEPARATOR);
}

/**
 * Whether an action can name a response topic: non-empty levels, no `@`, no wildcard, no NUL.
 * A reply whose action fails this (a client may send any unknown action) goes to the error topic.
 */
export function isResponseAction(action: string): boolean {
  return (
    isTopicText(action) &&
    !action.includes(OWNER_SEPARATOR) &&
    action.split('/').every((level) => level.length > 0)
  );
}

/**
 * Whether a client id can be a topic owner: non-empty, no wildcard, no NUL, well-formed. `/`, `@`
 * and spaces are allowed (the owner is everything after the first `@`, docs/topics/README.md). A
 * client id failing this cannot receive replies; the broker should refuse it at CONNECT
 * (docs/reliability.md: `#`/`+` in client ids must not widen anything).
 */
export function canOwnTopics(clientId: string): boolean {
  return isTopicText(clientId);
}
