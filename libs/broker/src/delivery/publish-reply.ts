import { formatErrorTopic, formatResponseTopic, isResponseAction } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';

/** aedes' default `maxTopicLevels`: it refuses to route a topic deeper than this. */
const AEDES_DEFAULT_MAX_TOPIC_LEVELS = 100;

/**
 * The topic a reply to `action` goes to: `dh/response/{action}@{clientId}`, or the reserved
 * `dh/response/error@{clientId}` when there is no action or it cannot name a routable topic
 * (`@`, `+`, `#`, empty levels, longer than an MQTT topic may be, or deeper than the broker
 * routes: mqtt-api.md §4) — every request gets its reply somewhere.
 */
export function replyTopic(
  action: string | null,
  clientId: string,
  maxTopicLevels: number = AEDES_DEFAULT_MAX_TOPIC_LEVELS,
): string {
  if (action === null || !isResponseAction(action)) return formatErrorTopic(clientId);
  let topic: string;
  try {
    topic = formatResponseTopic(action, clientId);
  } catch {
    return formatErrorTopic(clientId); // RangeError: over the 65535-byte topic limit
  }
  return topic.split('/').length > maxTopicLevels ? formatErrorTopic(clientId) : topic;
}

/**
 * Publishes a reply at QoS 1, never retained (mqtt-api.md §4). Every client whose filters match
 * gets it from aedes' router, and `authorizeForward` keeps it for the owner only; a subscriber
 * granted QoS 0 gets it at QoS 0. Resolves once aedes has routed it, so replies published in
 * sequence reach the client in that order.
 */
export function publishReply(
  ctx: BrokerContext,
  clientId: string,
  action: string | null,
  reply: object,
): Promise<void> {
  // aedes sets `maxTopicLevels` on the instance (clamped option); its typings omit it.
  const levels = (ctx.aedes as unknown as { maxTopicLevels?: number }).maxTopicLevels;
  const topic = replyTopic(action, clientId, levels);
  return new Promise((resolve) => {
    ctx.aedes.publish(
      {
        cmd: 'publish',
        topic,
        payload: Buffer.from(JSON.stringify(reply)),
        qos: 1,
        retain: false,
        dup: false,
      },
      (err) => {
        if (err) ctx.logger.error({ err, clientId, topic }, 'reply not published');
        resolve();
      },
    );
  });
}
