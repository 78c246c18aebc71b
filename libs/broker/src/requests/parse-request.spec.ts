import { MAX_REQUEST_DEPTH, parseRequest } from './parse-request';

const MALFORMED = { code: 400, status: 'error', error: 'Malformed Json received.' };

describe(parseRequest.name, () => {
  describe('when the payload is not a JSON object', () => {
    it.each([['not json'], ['{"action":'], ['[1,2]'], ['"server/info"'], ['42'], ['null'], ['']])(
      'answers %j with the reference body without action or requestId',
      (text) => {
        expect(parseRequest(Buffer.from(text), 1024)).toEqual({
          ok: false,
          action: null,
          reply: MALFORMED,
        });
      },
    );
  });

  describe('when the object has no string action', () => {
    it.each([
      ['{}', null],
      ['{"requestId":7}', 7],
      ['{"action":5,"requestId":"r"}', 'r'],
      ['{"action":null,"requestId":{"a":1}}', { a: 1 }],
    ])('answers %s with 400, action null and the echoed requestId', (text, requestId) => {
      expect(parseRequest(Buffer.from(text), 1024)).toEqual({
        ok: false,
        action: null,
        reply: { action: null, requestId, ...MALFORMED },
      });
    });
  });

  describe('when the payload is over the limit', () => {
    it('answers 413 naming both sizes, without parsing', () => {
      const payload = Buffer.from(JSON.stringify({ action: 'server/info', pad: 'x'.repeat(100) }));
      const parsed = parseRequest(payload, 64);
      expect(parsed).toEqual({
        ok: false,
        action: null,
        reply: {
          action: null,
          requestId: null,
          code: 413,
          status: 'error',
          error: `Request is too large: ${payload.length} bytes, the limit is 64`,
        },
      });
    });
  });

  describe('when the payload is a request', () => {
    it('returns it unchanged, extra fields included', () => {
      const request = { action: 'device/get', requestId: 'x', deviceId: 'd1', __proto__: 1 };
      const text = JSON.stringify(request).replace('"__proto__"', '"__proto__"');
      const parsed = parseRequest(Buffer.from(text), 1024);
      expect(parsed.ok).toBe(true);
      expect(parsed.ok && parsed.request.action).toBe('device/get');
      expect(parsed.ok && parsed.request['deviceId']).toBe('d1');
    });
  });

  describe('when the request is nested deeper than MAX_REQUEST_DEPTH', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

    it('answers 400 on the action topic, echoing a shallow requestId', () => {
      const text = `{"action":"network/list","requestId":3,"name":${nested(10_000)}}`;
      const parsed = parseRequest(Buffer.from(text), 1 << 20);
      expect(parsed).toEqual({
        ok: false,
        action: 'network/list',
        reply: {
          action: 'network/list',
          requestId: 3,
          code: 400,
          status: 'error',
          error: `Malformed Json received: nested deeper than ${MAX_REQUEST_DEPTH} levels`,
        },
      });
    });

    it('answers with requestId null when the requestId itself is too deep to echo', () => {
      const text = `{"action":"server/info","requestId":${nested(5_000)}}`;
      const parsed = parseRequest(Buffer.from(text), 1 << 20);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.reply['requestId']).toBeNull();
    });

    it('accepts a request exactly at the limit', () => {
      const text = `{"action":"server/info","x":${nested(MAX_REQUEST_DEPTH - 1)}}`;
      expect(parseRequest(Buffer.from(text), 1 << 20).ok).toBe(true);
    });
  });
});
