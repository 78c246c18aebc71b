import type { ErrorCode } from '@dh-mqtt/protocol';
import { BUS_SCHEMA_VERSION } from '../bus.port';
import { namespaced } from '../kafka-topics';
import { decodeReplyValue, type Decoded, type DecodedReply } from '../kafka/message-codec';

/**
 * The Redis channel a broker pod reads its replies on (ADR 0013): sharded pub/sub
 * (`SSUBSCRIBE`/`SPUBLISH`, Redis 7+), so no pattern subscription of the MQTT fabric (a client's
 * `#` filter becomes the pattern `*`) can see or count these messages.
 */
export function replyChannel(namespace: string, brokerId: string): string {
  return namespaced(namespace, `dh:reply:${brokerId}`);
}

/**
 * One reply as it travels inside a frame: the JSON the Kafka reply record would carry as its
 * value, with the `dh-failure` header's code beside it when the gateway failed.
 */
export function frameItem(value: string, failure?: ErrorCode): string {
  return failure === undefined
    ? `{"value":${value}}`
    : `{"failure":${JSON.stringify(failure)},"value":${value}}`;
}

/** A message of a reply channel: replies queued for one pod, in the order they were sent. */
export function frame(items: readonly string[]): string {
  return `{"v":${BUS_SCHEMA_VERSION},"replies":[${items.join(',')}]}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The replies of one channel message, each decoded like a Kafka reply record (the same checks),
 * or why the whole message is malformed.
 */
export function decodeFrame(message: string): Decoded<Array<Decoded<DecodedReply>>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch (error) {
    return { ok: false, reason: `message is not JSON (${(error as Error).message})` };
  }
  if (!isObject(parsed) || parsed['v'] !== BUS_SCHEMA_VERSION) {
    return { ok: false, reason: 'message is not a reply frame of this schema version' };
  }
  const replies = parsed['replies'];
  if (!Array.isArray(replies)) return { ok: false, reason: 'replies is not an array' };
  return {
    ok: true,
    value: replies.map((item: unknown): Decoded<DecodedReply> => {
      if (!isObject(item) || !isObject(item['value'])) {
        return { ok: false, reason: 'reply item has no object value' };
      }
      const failure = item['failure'];
      if (failure !== undefined && typeof failure !== 'string') {
        return { ok: false, reason: 'reply item failure is not a string' };
      }
      return decodeReplyValue(item['value'], failure);
    }),
  };
}
