export {
  eventFilterScope,
  eventFilterToSubscription,
  type EventFilterScope,
  type TopicSubscriptionInfo,
} from './event-filter';
export {
  formatErrorTopic,
  formatEventTopic,
  formatResponseTopic,
  type EventTopicInput,
} from './topic-format';
export { isDeliverableTo, isPrivateTo, ownerOf, topicMatches } from './topic-match';
export { parseFilter, parseTopic } from './topic-parse';
export {
  canOwnTopics,
  isEventName,
  isResponseAction,
  isTopicDeviceId,
  isTopicId,
} from './topic-parts';
export {
  DEFAULT_TOPIC_LIMITS,
  LEVEL_SEPARATOR,
  MULTI_LEVEL_WILDCARD,
  SINGLE_LEVEL_WILDCARD,
  validateFilter,
  validatePublishTopic,
  type TopicCheck,
  type TopicLimits,
} from './topic-validation';
export {
  DH_ROOT,
  ERROR_RESPONSE_ACTION,
  EVENT_KIND_OF_TOPIC,
  EVENT_TOPIC_KINDS,
  OWNER_SEPARATOR,
  REQUEST_TOPIC,
  RESPONSE_TOPIC_PREFIX,
  TOPIC_KIND_OF_EVENT,
  isEventKind,
  type EventFilter,
  type EventTopic,
  type EventTopicFields,
  type EventTopicKind,
  type InvalidTopic,
  type LevelWildcard,
  type OrdinaryTopic,
  type RequestTopic,
  type ResponseFilter,
  type ResponseTopic,
  type SysTopic,
  type Topic,
  type TopicFilter,
  type WildcardFilter,
} from './topic.types';
