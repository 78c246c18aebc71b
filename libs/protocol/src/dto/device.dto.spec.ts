import { DeviceSaveRequest } from './device.dto';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';
import { MAX_TAKE } from './list-fields';

describe(DeviceSaveRequest.name, () => {
  describe('when the request is valid', () => {
    it('accepts the minimal upsert', () => {
      const request = acceptedOf('device/save', { deviceId: 'd-1', device: {} });
      expect(request).toBeInstanceOf(DeviceSaveRequest);
      expect(request.deviceId).toBe('d-1');
    });

    it('keeps every field of a full upsert, numeric-string ids as numbers and data verbatim', () => {
      const data = { nested: { list: [1, 2] } };
      const request = acceptedOf('device/save', {
        action: 'device/save',
        requestId: 7,
        deviceId: 'e50d6085-2aba-48e9-b1c3-73c673e414be',
        device: { name: 'Lamp', data, networkId: '1', deviceTypeId: 2, isBlocked: true, extra: 1 },
      });
      expect(request.device).toEqual({
        name: 'Lamp',
        data,
        networkId: 1,
        deviceTypeId: 2,
        isBlocked: true,
      });
      expect(request.device.data).toBe(data);
      expect(request).not.toHaveProperty('action');
      expect(request).not.toHaveProperty('requestId');
    });
  });

  it.each([
    ['deviceId absent', { device: { name: 'x' } }, 400, 'Device id is wrong or empty'],
    ['deviceId empty', { deviceId: '', device: { name: 'x' } }, 400, 'Device id is wrong or empty'],
    [
      'deviceId with a slash',
      { deviceId: 'a/b', device: {} },
      400,
      'Device Id can only contain letters, digits and dashes.',
    ],
    [
      'deviceId with a space',
      { deviceId: 'a b', device: {} },
      400,
      'Device Id can only contain letters, digits and dashes.',
    ],
    [
      'deviceId of 49 characters',
      { deviceId: 'a'.repeat(49), device: {} },
      400,
      'Validation failed: deviceId must be at most 48 characters long',
    ],
    ['deviceId a number', { deviceId: 5, device: {} }, 400, 'Malformed Json received.'],
    ['device absent', { deviceId: 'd1' }, 400, 'Device is empty'],
    ['device a string', { deviceId: 'd1', device: 'lamp' }, 400, 'Malformed Json received.'],
    [
      'device an array',
      { deviceId: 'd1', device: [{ name: 'x' }] },
      400,
      'Malformed Json received.',
    ],
    [
      'device.networkId not numeric',
      { deviceId: 'd1', device: { networkId: 'abc' } },
      400,
      'Malformed Json received.',
    ],
    [
      'device.deviceTypeId a fraction',
      { deviceId: 'd1', device: { deviceTypeId: 1.5 } },
      400,
      'Malformed Json received.',
    ],
    [
      'device.name empty',
      { deviceId: 'd1', device: { name: '' } },
      400,
      'Validation failed: device.name must be a string of 1 to 128 characters',
    ],
    [
      'device.name too long',
      { deviceId: 'd1', device: { name: 'n'.repeat(129) } },
      400,
      'Validation failed: device.name must be a string of 1 to 128 characters',
    ],
    [
      'device.data an array',
      { deviceId: 'd1', device: { data: [1] } },
      400,
      "'parameters' must be JSON Object!",
    ],
    [
      'device.data a string',
      { deviceId: 'd1', device: { data: 'x' } },
      400,
      "'parameters' must be JSON Object!",
    ],
    [
      'device.isBlocked a string',
      { deviceId: 'd1', device: { isBlocked: 'yes' } },
      400,
      'Validation failed: device.isBlocked must be a boolean',
    ],
  ])('when %s (%j), replies %i %s', (_case, payload, status, text) => {
    expect(rejectionOf('device/save', payload)).toMatchObject({ status, text });
  });
});

describe('device/get and device/delete', () => {
  it.each(['device/get', 'device/delete'] as const)(
    '%s accepts any non-empty device id',
    (action) => {
      expect(acceptedOf(action, { deviceId: 'not/valid on save' }).deviceId).toBe(
        'not/valid on save',
      );
    },
  );

  it.each([
    ['device/get', {}, 'Device id is wrong or empty'],
    ['device/get', { deviceId: null }, 'Device id is wrong or empty'],
    ['device/delete', { deviceId: '' }, 'Device id is wrong or empty'],
    ['device/get', { deviceId: { id: 'x' } }, 'Malformed Json received.'],
  ] as const)('%s with %j replies 400 %s', (action, payload, text) => {
    expect(rejectionOf(action, payload)).toEqual(expect.objectContaining({ status: 400, text }));
  });
});

describe('device/list', () => {
  it.each([[{}], [{ take: null, skip: null, sortOrder: null }]])(
    'with %j applies the paging defaults and ASC order',
    (payload) => {
      expect(acceptedOf('device/list', payload)).toMatchObject({
        take: 20,
        skip: 0,
        sortOrder: 'ASC',
      });
    },
  );

  it('canonicalizes sortField and sortOrder case-insensitively', () => {
    const request = acceptedOf('device/list', {
      sortField: 'NETWORK',
      sortOrder: 'desc',
      networkId: '3',
    });
    expect(request).toMatchObject({ sortField: 'network', sortOrder: 'DESC', networkId: 3 });
  });

  it.each([
    [{ take: 5000 }, MAX_TAKE],
    [{ take: 0 }, MAX_TAKE],
    [{ take: 7 }, 7],
    [{ take: null }, 20],
  ])('with %j pages %i devices at most', (payload, take) => {
    expect(acceptedOf('device/list', payload).take).toBe(take);
  });

  it.each([
    [{ sortField: 'status' }, 'Invalid request parameters'],
    [{ sortField: 'id' }, 'Invalid request parameters'],
    [{ sortOrder: 'up' }, 'Unparseable sort order : up'],
    [{ sortOrder: 3 }, 'Unparseable sort order : 3'],
    [{ take: -1 }, 'Validation failed: take must be a non-negative integer'],
    [{ take: 'ten' }, 'Validation failed: take must be a non-negative integer'],
    [{ skip: 1.5 }, 'Validation failed: skip must be a non-negative integer'],
    [{ networkId: 'abc' }, 'Malformed Json received.'],
    [{ networkId: {} }, 'Malformed Json received.'],
    [{ name: 5 }, 'Validation failed: name must be a string'],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('device/list', payload)).toMatchObject({ status: 400, text });
  });
});

describe('device/count', () => {
  it('accepts the list filters without paging', () => {
    expect(acceptedOf('device/count', { namePattern: 'L%', networkName: 'n' })).toEqual({
      namePattern: 'L%',
      networkName: 'n',
    });
  });
});
