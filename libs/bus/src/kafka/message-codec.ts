import { ERRORS, type DeviceEvent, type ErrorCode } from '@dh-mqtt/protocol';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { BUS_SCHEMA_VERSION, type ReplyEnvelope, type RequestEnvelope } from '../bus.port';
import { KAFKA_HEADERS, KAFKA_SCHEMA_HEADER_VALUE, type ReplyFailure } from '../kafka-topics';

/** A decoded record, or why it is malformed (logged and counted, then skipped). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

const EVENT_KINDS: ReadonlySet<string> = new Set([
  'notification/insert',
  'command/insert',
  'command/update',
]);

/** A header as a string (kafkajs hands out Buffers; a repeated header counts its first value). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/** The headers every record of the bus carries, plus `extra`. */
export function busHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { [KAFKA_HEADERS.schema]: KAFKA_SCHEMA_HEADER_VALUE, ...extra };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The record's JSON value, once its schema header is checked. */
function parseJson(message: KafkaMessage): Decoded<unknown> {
  const schema = headerText(message.headers, KAFKA_HEADERS.schema);
  if (schema !== KAFKA_SCHEMA_HEADER_VALUE) {
    return { ok: false, reason: `header ${KAFKA_HEADERS.schema} is ${schema ?? 'missing'}` };
  }
  if (!message.value) return { ok: false, reason: 'no value' };
  try {
    return { ok: true, value: JSON.parse(message.value.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: `value is not JSON (${(error as Error).message})` };
  }
}

function parse(message: KafkaMessage): Decoded<Record<string, unknown>> {
  const parsed = parseJson(message);
  if (!parsed.ok) return parsed;
  return isObject(parsed.value)
    ? { ok: true, value: parsed.value }
    : { ok: false, reason: 'value is not an object' };
}

function envelopeProblem(value: Record<string, unknown>): string | undefined {
  if (value['v'] !== BUS_SCHEMA_VERSION) return `v is ${String(value['v'])}`;
  for (const field of ['id', 'clientId', 'brokerId'] as const) {
    if (!isString(value[field])) return `${field} is not a non-empty string`;
  }
  return undefined;
}

/**
 * A `dh.requests.v2` record as the gateway needs it (docs/adr/0024): its requests in the order
 * the broker sent them, each decoded on its own (one malformed request does not cost the others),
 * with the reply routing of its headers.
 */
export interface DecodedRequests {
  requests: Array<Decoded<RequestEnvelope>>;
  /** Where the replies go: the partition and broker id of the bus that sent the requests. */
  replyTo: { partition: number; brokerId: string };
}

export function decodeRequests(message: KafkaMessage): Decoded<DecodedRequests> {
  const parsed = parseJson(message);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, reason: 'value is not an array' };
  const replyPartition = Number(headerText(message.headers, KAFKA_HEADERS.replyPartition));
  if (!Number.isInteger(replyPartition) || replyPartition < 0) {
    return { ok: false, reason: `header ${KAFKA_HEADERS.replyPartition} is not a partition` };
  }
  const brokerId = headerText(message.headers, KAFKA_HEADERS.brokerId);
  if (!isString(brokerId)) {
    return { ok: false, reason: `header ${KAFKA_HEADERS.brokerId} is missing` };
  }
  return {
    ok: true,
    value: {
      requests: parsed.value.map(decodeRequestEnvelope),
      replyTo: { partition: replyPartition, brokerId },
    },
  };
}

function decodeRequestEnvelope(value: unknown): Decoded<RequestEnvelope> {
  if (!isObject(value)) return { ok: false, reason: 'request is not an object' };
  const problem =
    envelopeProblem(value) ??
    (!isObject(value['request']) || !isString(value['request']['action'])
      ? 'request.action is not a non-empty string'
      : undefined) ??
    (typeof value['deadline'] !== 'number' ? 'deadline is not a number' : undefined) ??
    (value['principal'] !== null && !isObject(value['principal'])
      ? 'principal is neither null nor an object'
      : undefined);
  return problem
    ? { ok: false, reason: problem }
    : { ok: true, value: value as unknown as RequestEnvelope };
}

/** A `dh.replies.v1` record: a reply envelope, or the error code the gateway failed with. */
export type DecodedReply =
  { kind: 'reply'; envelope: ReplyEnvelope } | { kind: 'failure'; id: string; code: ErrorCode };

export function decodeReply(message: KafkaMessage): Decoded<DecodedReply> {
  const parsed = parse(message);
  if (!parsed.ok) return parsed;
  return decodeReplyValue(parsed.value, headerText(message.headers, KAFKA_HEADERS.failure));
}

/**
 * A reply value (a reply envelope, or the {@link ReplyFailure} sent with a `dh-failure` code),
 * whichever path it came by: Kafka record or Redis reply frame (ADR 0013).
 */
export function decodeReplyValue(
  value: Record<string, unknown>,
  failure: string | undefined,
): Decoded<DecodedReply> {
  const problem = envelopeProblem(value);
  if (problem) return { ok: false, reason: problem };
  if (failure !== undefined) {
    if (!Object.prototype.hasOwnProperty.call(ERRORS, failure)) {
      return { ok: false, reason: `header ${KAFKA_HEADERS.failure} is ${failure}` };
    }
    return {
      ok: true,
      value: { kind: 'failure', id: value['id'] as string, code: failure as ErrorCode },
    };
  }
  if (
    !isObject(value['reply']) ||
    (value['reply']['status'] !== 'success' && value['reply']['status'] !== 'error')
  ) {
    return { ok: false, reason: 'reply.status is neither success nor error' };
  }
  return { ok: true, value: { kind: 'reply', envelope: value as unknown as ReplyEnvelope } };
}

export function decodeEvent(message: KafkaMessage): Decoded<DeviceEvent> {
  const parsed = parse(message);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const problem =
    (!EVENT_KINDS.has(value['kind'] as string) ? `kind is ${String(value['kind'])}` : undefined) ??
    (!isString(value['deviceId']) ? 'deviceId is not a non-empty string' : undefined) ??
    (typeof value['networkId'] !== 'number' ? 'networkId is not a number' : undefined) ??
    (typeof value['deviceTypeId'] !== 'number' ? 'deviceTypeId is not a number' : undefined) ??
    (typeof value['name'] !== 'string' ? 'name is not a string' : undefined) ??
    (!isObject(value['data']) ? 'data is not an object' : undefined);
  return problem
    ? { ok: false, reason: problem }
    : { ok: true, value: value as unknown as DeviceEvent };
}

/** The `dh.replies.v1` value that stands for a gateway failure (header `dh-failure`). */
export function replyFailure(request: RequestEnvelope, code: ErrorCode): ReplyFailure {
  return {
    v: BUS_SCHEMA_VERSION,
    id: request.id,
    clientId: request.clientId,
    brokerId: request.brokerId,
    code,
  };
}
