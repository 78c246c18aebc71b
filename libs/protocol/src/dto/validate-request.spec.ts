import { ACTION_NAMES, type ActionName } from '../actions/action-catalog';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';
import { MAX_JSON_DEPTH } from './field-decorators';
import { validateRequest } from './validate-request';

/** `{"a":{"a":...}}` nested `depth` levels, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

function nestedArray(depth: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

describe(validateRequest.name, () => {
  describe('when deviceId, networkId or deviceTypeId has the wrong kind (§1.2)', () => {
    const wrongKinds = [
      ['deviceId', 5],
      ['deviceId', ['d1']],
      ['networkId', 'abc'],
      ['networkId', 1.5],
      ['networkId', { id: 1 }],
      ['deviceTypeId', true],
      ['deviceTypeId', '1e3'],
    ] as const;
    const cases = ACTION_NAMES.flatMap((action) =>
      wrongKinds.map(([key, value]) => [action, key, value] as const),
    );

    it.each(cases)('%s replies 400 Malformed Json received. for %s = %j', (action, key, value) => {
      expect(rejectionOf(action, { [key]: value })).toEqual({
        status: 400,
        code: 'DH_ERR_MALFORMED_JSON',
        text: 'Malformed Json received.',
      });
    });
  });

  describe('when the action or the payload is not usable', () => {
    it('replies 400 Illegal argument for an action outside the catalogue', () => {
      expect(rejectionOf('no/such' as ActionName, {})).toMatchObject({
        status: 400,
        text: 'Illegal argument: no/such',
      });
    });

    it.each([[null], [[1, 2]], ['text'], [42]])(
      'replies 400 Malformed Json received. for the payload %j',
      (payload) => {
        expect(
          rejectionOf('device/list', payload as unknown as Record<string, unknown>),
        ).toMatchObject({
          status: 400,
          text: 'Malformed Json received.',
        });
      },
    );
  });

  describe('when the payload is hostile', () => {
    it.each(ACTION_NAMES)('%s returns a result for an empty payload without throwing', (action) => {
      expect(validateRequest(action, {})).toHaveProperty('ok');
    });

    it('ignores __proto__ and constructor keys and does not pollute prototypes', () => {
      const payload = JSON.parse(
        '{"deviceId":"d1","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
          '"device":{"__proto__":{"isBlocked":true},"name":"x","data":{"__proto__":{"polluted":true}}}}',
      ) as Record<string, unknown>;
      const request = acceptedOf('device/save', payload);
      expect(Object.keys(request.device)).toEqual(['name', 'data']);
      expect(request.device.isBlocked).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(request)).toBe(
        Object.getPrototypeOf(acceptedOf('device/save', { deviceId: 'd', device: {} })),
      );
      expect(Object.keys(request.device.data ?? {})).toEqual(['__proto__']);
    });

    it.each([
      [
        'device/save',
        { deviceId: 'd1', device: { name: 'x', data: nested(100_000) } },
        `Validation failed: device.data must not be nested deeper than ${MAX_JSON_DEPTH} levels`,
      ],
      [
        'device/list',
        { take: nestedArray(100_000) },
        'Validation failed: take must be a non-negative integer',
      ],
      [
        'command/subscribe',
        { names: nestedArray(100_000) },
        'Validation failed: names must be an array of strings',
      ],
      ['user/insert', { user: nested(100_000) }, 'User role is invalid or empty'],
      [
        'token/create',
        { payload: { userId: nested(100_000) } },
        'Validation failed: payload.userId must be an integer',
      ],
    ] as const)('%s refuses deep nesting with 400 %s', (action, payload, text) => {
      expect(rejectionOf(action, payload)).toMatchObject({ status: 400, text });
    });

    it('accepts a JSON object nested up to the limit', () => {
      const data = nested(MAX_JSON_DEPTH);
      expect(acceptedOf('device/save', { deviceId: 'd1', device: { data } }).device.data).toBe(
        data,
      );
    });

    it('handles huge arrays in linear time', () => {
      const names = Array.from({ length: 200_000 }, (_, i) => `n${i}`);
      const started = Date.now();
      expect(acceptedOf('notification/subscribe', { names }).names).toHaveLength(200_000);
      expect(
        rejectionOf('notification/subscribe', { networkIds: [...Array(200_000).keys(), 'x'] }),
      ).toMatchObject({
        text: 'Malformed Json received.',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it.each([
      ['network/insert', { network: 'N' }],
      ['network/insert', { network: ['N'] }],
      ['user/update', { userId: 1, user: 7 }],
      ['command/update', { commandId: 1, deviceId: 'd', command: [] }],
      ['token/create', { payload: true }],
    ] as const)(
      '%s replies 400 Malformed Json received. for %j where an object belongs',
      (action, payload) => {
        expect(rejectionOf(action, payload)).toMatchObject({
          status: 400,
          text: 'Malformed Json received.',
        });
      },
    );

    it('reports a parse failure before any other failure', () => {
      expect(rejectionOf('device/save', { device: { networkId: 'x', name: '' } })).toMatchObject({
        text: 'Malformed Json received.',
      });
    });
  });

  describe('when a typed request is validated again', () => {
    it('keeps the Date its timestamp field already holds', () => {
      const first = acceptedOf('command/insert', {
        deviceId: 'd',
        command: { command: 'c', timestamp: '2020-01-02T03:04:05.678Z' },
      });
      const again = acceptedOf('command/insert', first as unknown as Record<string, unknown>);
      expect(again.command.timestamp).toEqual(new Date('2020-01-02T03:04:05.678Z'));
    });
  });
});
