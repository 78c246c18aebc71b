import type { IHeaders, KafkaMessage } from 'kafkajs';
import { buildDeviceEvent, buildReplyEnvelope, buildRequestEnvelope } from '../testing';
import { decodeEvent, decodeReply, decodeRequest, headerText } from './message-codec';

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

const request = buildRequestEnvelope({ brokerId: 'broker-in-envelope' });
const routed = { ...schema, 'dh-reply-partition': '3' };
const reply = buildReplyEnvelope(request);
const event = buildDeviceEvent();

describe(decodeRequest.name, () => {
  it('returns the envelope and routes the reply by the headers', () => {
    const decoded = decodeRequest(record(request, { ...routed, 'dh-broker-id': 'broker-7' }));

    expect(decoded).toEqual({
      ok: true,
      value: { envelope: request, replyTo: { partition: 3, brokerId: 'broker-7' } },
    });
  });

  it('falls back to the envelope’s broker id without a dh-broker-id header', () => {
    const decoded = decodeRequest(record(request, routed));

    expect(decoded.ok && decoded.value.replyTo.brokerId).toBe('broker-in-envelope');
  });

  it.each([
    [
      'no schema header',
      record(request, { 'dh-reply-partition': '3' }),
      'header dh-schema is missing',
    ],
    ['another schema', record(request, { ...routed, 'dh-schema': '2' }), 'header dh-schema is 2'],
    ['no value', record(undefined, routed), 'no value'],
    ['a JSON array', record([request], routed), 'value is not an object'],
    ['another v', record({ ...request, v: 2 }, routed), 'v is 2'],
    ['an empty id', record({ ...request, id: '' }, routed), 'id is not a non-empty string'],
    [
      'no client id',
      record({ ...request, clientId: undefined }, routed),
      'clientId is not a non-empty string',
    ],
    [
      'no action',
      record({ ...request, request: {} }, routed),
      'request.action is not a non-empty string',
    ],
    [
      'a string deadline',
      record({ ...request, deadline: 'soon' }, routed),
      'deadline is not a number',
    ],
    [
      'a string principal',
      record({ ...request, principal: 'admin' }, routed),
      'principal is neither null nor an object',
    ],
    ['no reply partition', record(request), 'header dh-reply-partition is not a partition'],
    [
      'a negative reply partition',
      record(request, { ...schema, 'dh-reply-partition': '-1' }),
      'header dh-reply-partition is not a partition',
    ],
  ])('calls a record with %s malformed', (_case, message, reason) => {
    expect(decodeRequest(message)).toEqual({ ok: false, reason });
  });

  it('calls a value that is not JSON malformed, naming the parse error', () => {
    const decoded = decodeRequest(record('{"v":1', routed));

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(/^value is not JSON \(.+\)$/);
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
