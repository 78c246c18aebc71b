import { fastNotificationInsert } from './fast-requests';
import { validateFields, validateRequest } from './validate-request';

/** Payloads of `notification/insert`: the commonest shape and its neighbours, valid or not. */
function payloads(): Array<Record<string, unknown>> {
  const names: unknown[] = ['temperature', 'x', 'n'.repeat(128), 'n'.repeat(129), '', 7, null];
  const parameters: unknown[] = [
    undefined,
    null,
    {},
    { t: 1, nested: { a: [1, 'b', null] } },
    [],
    'text',
    3,
    JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
    JSON.parse(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`),
    JSON.parse(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`),
  ];
  const deviceIds: unknown[] = ['device-1', '', 5, null, undefined];
  const out: Array<Record<string, unknown>> = [];
  for (const deviceId of deviceIds) {
    for (const name of names) {
      for (const params of parameters) {
        const body: Record<string, unknown> = { notification: name };
        if (params !== undefined) body['parameters'] = params;
        const payload: Record<string, unknown> = { action: 'notification/insert', requestId: 1 };
        if (deviceId !== undefined) payload['deviceId'] = deviceId;
        payload['notification'] = body;
        out.push(payload);
      }
    }
  }
  out.push(
    { deviceId: 'd', notification: { notification: 'n', timestamp: '2026-01-01T00:00:00Z' } },
    { deviceId: 'd', notification: { notification: 'n', extra: 1 } },
    { deviceId: 'd', notification: { parameters: {} } },
    { deviceId: 'd', notification: [] },
    { deviceId: 'd', notification: null },
    { deviceId: 'd' },
    { deviceId: 'd', notification: Object.assign(Object.create({ notification: 'n' }), {}) },
    JSON.parse('{"deviceId":"d","notification":{"notification":"n","__proto__":{"x":1}}}'),
  );
  return out;
}

let taken = 0;

describe('fastNotificationInsert', () => {
  // The direct path must be taken by a good part of the payloads, or the comparison says nothing.
  afterAll(() => expect(taken).toBeGreaterThanOrEqual(20));

  it.each(payloads().map((payload) => [JSON.stringify(payload).slice(0, 120), payload]))(
    'builds what the general path builds, or leaves it to it: %s',
    (_label, payload) => {
      const fast = fastNotificationInsert(payload as Record<string, unknown>);
      const general = validateFields('notification/insert', payload as Record<string, unknown>);

      if (fast === undefined) return;
      taken += 1;
      expect(general.ok).toBe(true);
      if (!general.ok) return;
      expect(fast).toStrictEqual(general.request);
      // Raw fields are the payload's own objects, in both paths.
      const body = (payload as { notification: { parameters?: unknown } }).notification;
      expect(fast.notification.parameters).toBe(body.parameters);
      expect(general.request.notification.parameters).toBe(body.parameters);
    },
  );

  it('takes the commonest insert, so the telemetry path skips the libraries', () => {
    const payload = { deviceId: 'd', notification: { notification: 'temp', parameters: { t: 1 } } };
    expect(fastNotificationInsert(payload)).toBeDefined();
    expect(validateRequest('notification/insert', payload)).toEqual({
      ok: true,
      request: fastNotificationInsert(payload),
    });
  });

  it('leaves a timestamp, an invalid name and deep parameters to the general path', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`) as object;
    for (const notification of [
      { notification: 'n', timestamp: 1 },
      { notification: '' },
      { notification: 'n', parameters: deep },
      { notification: 'n', parameters: [] },
    ]) {
      expect(fastNotificationInsert({ deviceId: 'd', notification })).toBeUndefined();
    }
  });
});
