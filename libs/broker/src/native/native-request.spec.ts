import { parseTopic, type EventTopic } from '@dh-mqtt/protocol';
import { nativeRequest } from './native-request';

const topic = (text: string) => parseTopic(text) as EventTopic;
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe(nativeRequest.name, () => {
  describe('when the payload is a JSON object', () => {
    it.each([
      [
        'dh/notification/1/2/dev-1/temp',
        { parameters: { t: 21 }, timestamp: '2024-01-01T00:00:00.000' },
        {
          action: 'notification/insert',
          deviceId: 'dev-1',
          notification: {
            notification: 'temp',
            parameters: { t: 21 },
            timestamp: '2024-01-01T00:00:00.000',
          },
        },
      ],
      [
        'dh/command/1/2/dev-1/light',
        { parameters: { on: true }, lifetime: 30, command: 'ignored' },
        {
          action: 'command/insert',
          deviceId: 'dev-1',
          command: { command: 'light', parameters: { on: true }, lifetime: 30 },
        },
      ],
      [
        'dh/command_update/1/2/dev-1/light',
        { id: 42, status: 'done', result: { ok: 1 }, parameters: { ignored: true } },
        {
          action: 'command/update',
          deviceId: 'dev-1',
          commandId: 42,
          command: { status: 'done', result: { ok: 1 } },
        },
      ],
    ])('turns a publish on %s into its action', (text, payload, request) => {
      expect(nativeRequest(topic(text), body(payload), 1024)).toEqual({
        ok: true,
        action: request.action,
        request,
      });
    });

    it('keeps a __proto__ key as plain data, never as a prototype', () => {
      const parsed = nativeRequest(
        topic('dh/notification/1/2/d/n'),
        Buffer.from('{"__proto__":{"polluted":1},"parameters":{}}'),
        1024,
      );
      expect(parsed.ok).toBe(true);
      const notification = parsed.ok ? (parsed.request['notification'] as object) : {};
      expect(Object.getPrototypeOf(notification)).toBe(Object.prototype);
      expect(({} as { polluted?: number }).polluted).toBeUndefined();
    });
  });

  describe('when the payload or topic cannot be used', () => {
    it.each([
      ['not JSON', 'dh/notification/1/2/d/n', 'nope', 400, 'Malformed Json received.'],
      ['a JSON array', 'dh/command/1/2/d/n', '[1]', 400, 'Malformed Json received.'],
      ['JSON null', 'dh/command_update/1/2/d/n', 'null', 400, 'Malformed Json received.'],
      [
        'an owner suffix',
        'dh/notification/1/2/d/n@me',
        '{}',
        400,
        'A native publish topic takes no @owner suffix',
      ],
      [
        'over the size limit',
        'dh/notification/1/2/d/n',
        `{"p":"${'x'.repeat(64)}"}`,
        413,
        'Request is too large: 72 bytes, the limit is 64',
      ],
    ])('refuses %s', (_, text, payload, status, message) => {
      const parsed = nativeRequest(topic(text), Buffer.from(payload), 64);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && { status: parsed.error.status, message: parsed.error.message }).toEqual({
        status,
        message,
      });
    });
  });
});
