/** The part of the aedes-persistence 11 API this decorator changes. */
interface OutgoingApi {
  outgoingStream(client: { id: string }): AsyncIterable<object> | Iterable<object>;
}

/**
 * Marks re-deliveries on a resumed session (MQTT 3.1.1 [MQTT-3.3.1-1]: a server that re-delivers
 * a PUBLISH sets DUP). A session's stored queue, sent when it reconnects with `cleanSession`
 * false, holds messages never sent and messages sent to an earlier connection but not
 * acknowledged; both the memory and the Redis persistence give the second kind their packet
 * identifier back, and aedes sends both as they are. So a message the client may already have
 * processed came again looking new. Here every queued packet that carries a packet identifier
 * leaves with `dup` set, and `onRedelivered` is told (`dh_mqtt_messages_redelivered_total`); the
 * others are untouched. Replaces `outgoingStream` on the object itself, so wrappers applied later
 * (the offline queue cap) see it.
 */
export function markRedeliveries<P extends object>(
  persistence: P,
  onRedelivered: () => void = () => undefined,
): P {
  const target = persistence as P & OutgoingApi;
  const outgoingStream = target.outgoingStream.bind(target);
  target.outgoingStream = (client) => marked(outgoingStream(client), onRedelivered);
  return persistence;
}

async function* marked(
  packets: AsyncIterable<object> | Iterable<object>,
  onRedelivered: () => void,
): AsyncIterable<object> {
  for await (const packet of packets) {
    const { messageId } = packet as { messageId?: number | null };
    if (messageId === undefined || messageId === null) {
      yield packet;
      continue;
    }
    onRedelivered();
    yield { ...packet, dup: true };
  }
}
