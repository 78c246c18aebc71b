import {
  canOwnTopics,
  isEventName,
  isResponseAction,
  isTopicDeviceId,
  isTopicId,
} from './topic-parts';
import { DEFAULT_TOPIC_LIMITS, checkTopicText, type TopicLimits } from './topic-validation';
import {
  DH_ROOT,
  ERROR_RESPONSE_ACTION,
  OWNER_SEPARATOR,
  RESPONSE_TOPIC_PREFIX,
  isEventKind,
  type EventTopicFields,
  type EventTopicKind,
} from './topic.types';

function withinLimits(topic: string, limits: TopicLimits): string {
  const error = checkTopicText(topic, limits);
  if (error) throw new RangeError(`Topic ${error}`);
  return topic;
}

function ownerSuffix(owner: string | null | undefined): string {
  if (owner == null) return '';
  if (!canOwnTopics(owner)) throw new RangeError('Client id cannot own a topic (see canOwnTopics)');
  return OWNER_SEPARATOR + owner;
}

/**
 * `dh/response/{action}@{clientId}` (docs/topics/request.md).
 * @throws RangeError when the action fails `isResponseAction` (reply on {@link formatErrorTopic}
 *   instead), the client id fails `canOwnTopics`, or the topic exceeds `limits`.
 */
export function formatResponseTopic(
  action: string,
  clientId: string,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): string {
  if (!isResponseAction(action)) throw new RangeError('Action cannot name a response topic');
  return withinLimits(RESPONSE_TOPIC_PREFIX + action + ownerSuffix(clientId), limits);
}

/**
 * `dh/response/error@{clientId}`: replies to requests without a routable action
 * (docs/topics/request.md).
 * @throws RangeError as {@link formatResponseTopic}.
 */
export function formatErrorTopic(
  clientId: string,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): string {
  return formatResponseTopic(ERROR_RESPONSE_ACTION, clientId, limits);
}

/**
 * The fields of an event topic plus an optional owner making it private (docs/topics/README.md).
 */
export interface EventTopicInput extends EventTopicFields {
  readonly owner?: string | null;
}

/**
 * `dh/{kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}[@owner]` (docs/topics/README.md,
 * docs/topics/notification.md). Accepts a `DeviceEvent` as `fields` (kind from
 * `TOPIC_KIND_OF_EVENT`).
 * @throws RangeError when an id is not a non-negative safe integer, the device id is not
 *   `[a-zA-Z0-9-]+`, the name fails `isEventName` (such an event has no topic), the owner fails
 *   `canOwnTopics`, or the topic exceeds `limits`.
 */
export function formatEventTopic(
  kind: EventTopicKind,
  fields: EventTopicInput,
  limits: TopicLimits = DEFAULT_TOPIC_LIMITS,
): string {
  if (!isEventKind(kind)) throw new RangeError('Unknown event topic kind');
  const { networkId, deviceTypeId, deviceId, name } = fields;
  if (!isTopicId(networkId)) throw new RangeError('networkId must be a non-negative safe integer');
  if (!isTopicId(deviceTypeId))
    throw new RangeError('deviceTypeId must be a non-negative safe integer');
  if (!isTopicDeviceId(deviceId)) throw new RangeError('deviceId must match [a-zA-Z0-9-]+');
  if (!isEventName(name)) throw new RangeError('Name cannot be a topic level (see isEventName)');
  const topic = [DH_ROOT, kind, networkId, deviceTypeId, deviceId, name].join('/');
  return withinLimits(topic + ownerSuffix(fields.owner), limits);
}
