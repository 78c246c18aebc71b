import { isEventKind, parseTopic, validatePublishTopic, type EventTopic } from '@dh-mqtt/protocol';
import type { AedesOptions, PublishPacket } from 'aedes';
import type { BrokerContext } from '../broker-context';
import { handleNativePublish } from '../native/native-publish';
import { handleRequest } from '../requests/handle-request';
import { isAcceptableWireText } from './wire-text';

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>;

/**
 * aedes `authorizePublish` (docs/topics/README.md, docs/topics/request.md,
 * docs/topics/notification.md, docs/reliability.md). Ordinary topics pass. Every `dh/...` and
 * `$...` publish from a client is consumed: acknowledged (PUBACK still sent, MQTT 3.1.1 has no
 * negative PUBACK) and never routed, because the routing gate (`DhAedes.publish`) drops packets
 * marked here:
 * - `dh/request`: handled as a request (parsed and forwarded in arrival order);
 * - concrete event topics: native publishing, the matching action run with the session principal
 *   and answered on `dh/response/{action}@{clientId}` (`native/native-publish.ts`);
 * - `dh/response/...`: a forged reply, dropped;
 * - unknown `dh/<word>`, malformed `dh/...`, `$` topics (including `$SYS`): dropped.
 * Last wills pass here too (aedes authorizes a will before publishing it), with the session of the
 * connection that left it, so a will on `dh/request` or an event topic runs with its principal.
 * A topic that is not valid MQTT (NUL, ill-formed UTF-8) closes the connection [MQTT-1.5.3-1,
 * MQTT-1.5.3-2], as aedes does itself for wildcards [MQTT-3.3.2-2] and too many levels.
 */
export function createAuthorizePublish(ctx: BrokerContext): AuthorizePublish {
  const { metrics } = ctx;
  return (client, packet, callback) => {
    metrics.messagesReceived += 1;
    const topic = packet.topic;
    const check = validatePublishTopic(topic);
    if (!check.valid) return callback(new Error(`invalid topic: ${check.reason}`));
    if (!isAcceptableWireText(topic)) return callback(new Error('invalid topic: ill-formed UTF-8'));
    if (!isReserved(topic)) return callback(null);
    const parsed = parseTopic(topic);
    ctx.consumed.add(packet);
    const session = ctx.sessions.get(client);
    if (!client || !session) return callback(null);
    if (parsed.kind === 'request') {
      handleRequest(ctx, session, toBuffer(packet.payload));
    } else if (isEventKind(parsed.kind)) {
      handleNativePublish(ctx, session, parsed as EventTopic, toBuffer(packet.payload));
    } else {
      metrics.drop('reserved');
      ctx.logger.debug(
        { clientId: client.id, kind: parsed.kind },
        'reserved topic publish dropped',
      );
    }
    callback(null);
  };
}

/** `dh`, `dh/...` and `$...`: topics no client publishes to directly. */
export function isReserved(topic: string): boolean {
  return topic.startsWith('dh/') || topic === 'dh' || topic.startsWith('$');
}

function toBuffer(payload: PublishPacket['payload']): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}
