import { formatErrorTopic, formatResponseTopic, isResponseAction } from '@dh-mqtt/protocol';
import { localClient, localEmitOf, maxTopicLevelsOf, nextBrokerCounter } from '../aedes-internals';
import type { BrokerContext } from '../broker-context';

/** aedes' default `maxTopicLevels`: it refuses to route a topic deeper than this. */
const AEDES_DEFAULT_MAX_TOPIC_LEVELS = 100;

/**
 * The topic a reply to `action` goes to: `dh/response/{action}@{clientId}`, or the reserved
 * `dh/response/error@{clientId}` when there is no action or it cannot name a routable topic
 * (`@`, `+`, `#`, empty levels, longer than an MQTT topic may be, or deeper than the broker
 * routes: docs/topics/request.md) — every request gets its reply somewhere.
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
 * Publishes a reply at QoS 1, never retained (docs/topics/request.md). Every client whose filters
 * match gets it from aedes' router, and `authorizeForward` keeps it for the owner only; a
 * subscriber granted QoS 0 gets it at QoS 0. Resolves once aedes has routed it, so replies
 * published in sequence reach the client in that order.
 *
 * In a cluster, when the owner is connected to this pod with a clean session, the reply goes to
 * this pod's subscriptions only (docs/adr/0008-replies-delivered-on-the-owning-pod.md): no other
 * client may receive it, and a clean session has no offline queue, so the shared fabric (a Redis
 * round trip every pod with `dh/response/#` subscribers decodes) and aedes' offline enqueue have
 * nothing to add. Otherwise (persistent session, owner elsewhere or gone) it takes
 * `aedes.publish` as before.
 */
export function publishReply(
  ctx: BrokerContext,
  clientId: string,
  action: string | null,
  reply: object,
): Promise<void> {
  const { aedes } = ctx;
  const topic = replyTopic(action, clientId, maxTopicLevelsOf(aedes));
  const payload = Buffer.from(JSON.stringify(reply));
  const owner = localClient(aedes, clientId);
  const localEmit = owner?.clean === true && !owner.closed ? localEmitOf(aedes) : undefined;
  return new Promise((resolve) => {
    const done = (err?: Error | null) => {
      if (err) ctx.logger.error({ err, clientId, topic }, 'reply not published');
      resolve();
    };
    if (localEmit) {
      // The packet aedes.publish would route (aedes-packet's fields for a new QoS 1 publish).
      localEmit(
        {
          cmd: 'publish',
          brokerId: aedes.id,
          brokerCounter: nextBrokerCounter(aedes),
          topic,
          payload,
          qos: 1,
          retain: false,
          dup: false,
          messageId: undefined,
        },
        done,
      );
      return;
    }
    ctx.aedes.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, done);
  });
}
