import { isDhError } from '@dh-mqtt/protocol';
import { parseEagerIds } from './eager-ids';

describe(parseEagerIds.name, () => {
  describe('when the ids have an accepted kind', () => {
    it.each([
      [{ networkId: 5 }, { networkId: 5 }],
      [{ networkId: '5' }, { networkId: 5 }],
      [{ networkId: '-5' }, { networkId: -5 }],
      [{ networkId: '5.0' }, { networkId: 5 }],
      [{ networkId: '1e3' }, { networkId: 1000 }],
      [{ deviceTypeId: 0 }, { deviceTypeId: 0 }],
      [{ networkId: null }, { networkId: null }],
      [{ deviceId: 'e50d6085-2aba' }, { deviceId: 'e50d6085-2aba' }],
      [{ deviceId: 42 }, { deviceId: '42' }],
      [{ deviceId: '' }, { deviceId: '' }],
      [{ deviceId: null }, { deviceId: null }],
      [{}, {}],
    ])('reads %j as %j', (fields, expected) => {
      expect(parseEagerIds({ action: 'device/list', ...fields })).toEqual({
        action: 'device/list',
        ...expected,
      });
    });

    it('leaves the other fields alone', () => {
      const request = { action: 'device/list', requestId: { a: 1 }, name: 'x', networkId: '2' };

      expect(parseEagerIds(request)).toEqual({ ...request, networkId: 2 });
    });
  });

  describe('when an id has the wrong kind', () => {
    it.each([
      ['networkId', 'abc'],
      ['networkId', ''],
      ['networkId', '0x10'],
      ['networkId', 'Infinity'],
      ['networkId', 1.5],
      ['networkId', '1.5'],
      ['networkId', 2 ** 64],
      ['networkId', true],
      ['networkId', {}],
      ['deviceTypeId', []],
      ['deviceId', {}],
      ['deviceId', ['a']],
    ])('rejects %s = %j with 400 Malformed Json received.', (field, value) => {
      let error: unknown;
      try {
        parseEagerIds({ action: 'device/list', [field]: value });
      } catch (e) {
        error = e;
      }

      expect(isDhError(error) && [error.status, error.message]).toEqual([
        400,
        'Malformed Json received.',
      ]);
    });
  });
});
