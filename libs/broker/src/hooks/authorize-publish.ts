import {
  DhError,
  EVENT_KIND_OF_TOPIC,
  errorReplyFrom,
  isEventKind,
  parseTopic,
} from '@dh-mqtt/protocol';
import type { AedesOptions, Client, PublishPacket } from 'aedes';
import type { BrokerContext } from '../broker-context';
import { publishReply } from '../delivery/publish-reply';
import { handleRequest } from '../requests/handle-request';

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>;

/**
 * aedes `authorizePublish` (mqtt-api.md §2, §4, §6, §7). Ordinary topics pass. Every `dh/...` and
 * `$...` publish from a client is consumed: acknowledged (PUBACK still sent, MQTT 3.1.1 has no
 * negative PUBACK) and never routed, because the routing gate (`DhAedes.publish`) drops packets
 * marked here:
 * - `dh/request`: handled as a request (parsed and forwarded in arrival order);
 * - `dh/response/...`: a forged reply, dropped;
 * - event topics: native publishing needs an authenticated session; an anonymous one gets
 *   401 `Unauthorized` on `dh/response/{action}@{clientId}`;
 * - unknown `dh/<word>`, `$` topics (including `$SYS`): dropped.
 * A topic that is not valid MQTT (NUL, ill-formed UTF-8) closes the connection, as aedes does for
 * wildcards [MQTT-4.7.3-2].
 */
export function createAuthorizePublish(ctx: BrokerContext): AuthorizePublish {
  return (client, packet, callback) => {
    const topic = packet.topic;
    if (!isReserved(topic)) {
      const check = parseTopic(topic);
      return callback(
        check.kind === 'invalid' ? new Error(`invalid topic: ${check.reason}`) : null,
      );
    }
    ctx.consumed.add(packet);
    const session = ctx.sessions.get(client);
    if (!client || !session) return callback(null);
    const parsed = parseTopic(topic);
    if (parsed.kind === 'request') {
      handleRequest(ctx, session, toBuffer(packet.payload));
    } else if (isEventKind(parsed.kind)) {
      nativePublish(ctx, client, session.principal !== null, EVENT_KIND_OF_TOPIC[parsed.kind]);
    } else {
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

function nativePublish(
  ctx: BrokerContext,
  client: Client,
  authenticated: boolean,
  action: string,
): void {
  // mqtt-api.md §6: anonymous or unauthorized publishes are dropped with an error reply.
  const error = authenticated
    ? new DhError('DH_ERR_ACCESS_DENIED')
    : new DhError('DH_ERR_UNAUTHORIZED');
  void publishReply(ctx, client.id, action, errorReplyFrom(action, null, error));
}

function toBuffer(payload: PublishPacket['payload']): Buffer {
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
}
