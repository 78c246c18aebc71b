import { formatErrorTopic, formatResponseTopic, isResponseAction } from '@dh-mqtt/protocol';
import type { BrokerContext } from '../broker-context';

/**
 * The topic a reply to `action` goes to: `dh/response/{action}@{clientId}`, or the reserved
 * `dh/response/error@{clientId}` when there is no action or it cannot name a topic (`@`, `+`,
 * `#`, empty levels: mqtt-api.md §4).
 */
export function replyTopic(action: string | null, clientId: string): string {
  return action !== null && isResponseAction(action)
    ? formatResponseTopic(action, clientId)
    : formatErrorTopic(clientId);
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
  const topic = replyTopic(action, clientId);
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
