import type { IHeaders, KafkaMessage } from 'kafkajs';
import { buildDeviceEvent, buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { decodeEvent, decodeReply, decodeRequests, headerText } from './message-codec';

const schema = { 'dh-schema': '1' };

function record(value: unknown, headers: IHeaders = schema): KafkaMessage {
  return {
    key: null,
    value:
      value === undefined
        ? null
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    headers,
    offset: '0',
    timestamp: '0',
    attributes: 0,
  };
}

const request = buildRequestEnvelope({ brokerId: 'broker-7' });
const second = buildRequestEnvelope({ clientId: 'client-2', brokerId: 'broker-7' });
const routed = { ...schema, 'dh-reply-partition': '3', 'dh-broker-id': 'broker-7' };
const reply = buildReplyEnvelope(request);
const event = buildDeviceEvent();

describe(decodeRequests.name, () => {
  it('returns the requests in their order and routes the replies by the headers', () => {
    const decoded = decodeRequests(record([request, second], routed));

    expect(decoded).toEqual({
      ok: true,
      value: {
        requests: [
          { ok: true, value: request },
          { ok: true, value: second },
        ],
        replyTo: { partition: 3, brokerId: 'broker-7' },
      },
    });
  });

  it.each([
    [
      'no schema header',
      record([request], { 'dh-reply-partition': '3' }),
      'header dh-schema is missing',
    ],
    ['another schema', record([request], { ...routed, 'dh-schema': '2' }), 'header dh-schema is 2'],
    ['no value', record(undefined, routed), 'no value'],
    ['a lone envelope (a dh.requests.v1 value)', record(request, routed), 'value is not an array'],
    [
      'no reply partition',
      record([request], { ...schema, 'dh-broker-id': 'b' }),
      'header dh-reply-partition is not a partition',
    ],
    [
      'a negative reply partition',
      record([request], { ...routed, 'dh-reply-partition': '-1' }),
      'header dh-reply-partition is not a partition',
    ],
    [
      'no broker id',
      record([request], { ...schema, 'dh-reply-partition': '3' }),
      'header dh-broker-id is missing',
    ],
  ])('calls a record with %s malformed', (_case, message, reason) => {
    expect(decodeRequests(message)).toEqual({ ok: false, reason });
  });

  it('calls a value that is not JSON malformed, naming the parse error', () => {
    const decoded = decodeRequests(record('[{"v":1', routed));

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(/^value is not JSON \(.+\)$/);
  });

  it.each([
    ['a string', 'request', 'request is not an object'],
    ['another v', { ...request, v: 2 }, 'v is 2'],
    ['an empty id', { ...request, id: '' }, 'id is not a non-empty string'],
    ['no client id', { ...request, clientId: undefined }, 'clientId is not a non-empty string'],
    ['no action', { ...request, request: {} }, 'request.action is not a non-empty string'],
    ['a string deadline', { ...request, deadline: 'soon' }, 'deadline is not a number'],
    [
      'a string principal',
      { ...request, principal: 'admin' },
      'principal is neither null nor an object',
    ],
  ])('calls a request that is %s malformed and keeps the others', (_case, bad, reason) => {
    const decoded = decodeRequests(record([request, bad, second], routed));

    expect(decoded.ok && decoded.value.requests).toEqual([
      { ok: true, value: request },
      { ok: false, reason },
      { ok: true, value: second },
    ]);
  });
});

describe(decodeReply.name, () => {
  it('returns a reply envelope', () => {
    expect(decodeReply(record(reply))).toEqual({
      ok: true,
      value: { kind: 'reply', envelope: reply },
    });
  });

  it('returns the failure code of a dh-failure record', () => {
    const failure = { v: 1, id: 'r1', clientId: 'c', brokerId: 'b', code: 'DH_ERR_INTERNAL' };

    expect(decodeReply(record(failure, { ...schema, 'dh-failure': 'DH_ERR_INTERNAL' }))).toEqual({
      ok: true,
      value: { kind: 'failure', id: 'r1', code: 'DH_ERR_INTERNAL' },
    });
  });

  it.each([
    [
      'an unknown failure code',
      record(reply, { ...schema, 'dh-failure': 'E_NOPE' }),
      'header dh-failure is E_NOPE',
    ],
    [
      'no reply',
      record({ ...reply, reply: undefined }),
      'reply.status is neither success nor error',
    ],
    [
      'a reply without status',
      record({ ...reply, reply: { action: 'x' } }),
      'reply.status is neither success nor error',
    ],
    ['no broker id', record({ ...reply, brokerId: 5 }), 'brokerId is not a non-empty string'],
  ])('calls a record with %s malformed', (_case, message, reason) => {
    expect(decodeReply(message)).toEqual({ ok: false, reason });
  });
});

describe(decodeEvent.name, () => {
  it('returns the device event', () => {
    expect(decodeEvent(record(event))).toEqual({ ok: true, value: event });
  });

  it.each([
    ['an unknown kind', { ...event, kind: 'device/delete' }, 'kind is device/delete'],
    ['no device id', { ...event, deviceId: '' }, 'deviceId is not a non-empty string'],
    ['a string network id', { ...event, networkId: '1' }, 'networkId is not a number'],
    ['no device type id', { ...event, deviceTypeId: null }, 'deviceTypeId is not a number'],
    ['a numeric name', { ...event, name: 7 }, 'name is not a string'],
    ['array data', { ...event, data: [] }, 'data is not an object'],
  ])('calls an event with %s malformed', (_case, value, reason) => {
    expect(decodeEvent(record(value))).toEqual({ ok: false, reason });
  });
});

describe(headerText.name, () => {
  it.each([
    [{ h: Buffer.from('x') }, 'x'],
    [{ h: 'y' }, 'y'],
    [{ h: [Buffer.from('first'), Buffer.from('second')] }, 'first'],
    [{}, undefined],
    [undefined, undefined],
  ])('reads header h of %p as %p', (headers, expected) => {
    expect(headerText(headers as IHeaders | undefined, 'h')).toBe(expected);
  });
});
