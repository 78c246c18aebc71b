import type { ActionName } from '../actions/action-catalog';
import { rejectionOf } from '../testing/dto.fixtures';

/**
 * Requests the DeviceHive core used to refuse by re-reading the JSON itself. Its actions now take
 * the typed request, so these replies are the DTOs' (the ones a client always got: the gateway
 * validates before it calls the core).
 */
describe('requests refused by their DTO before the core runs', () => {
  it.each<[ActionName, Record<string, unknown>, number, string]>([
    [
      'user/insert',
      { user: { login: 'abcdef', role: 1, password: 'secret1', status: 3 } },
      400,
      'Validation failed: user.status must be 0 (active), 1 (locked out) or 2 (disabled)',
    ],
    [
      'user/update',
      { userId: 1, user: { status: 3 } },
      400,
      'Validation failed: user.status must be 0 (active), 1 (locked out) or 2 (disabled)',
    ],
    ['devicetype/get', { deviceTypeId: '9223372036854775808' }, 400, 'Malformed Json received.'],
    [
      'devicetype/insert',
      { deviceType: { name: '' } },
      400,
      'Validation failed: deviceType.name must be a string of 1 to 128 characters',
    ],
    ['network/get', { networkId: '9223372036854775808' }, 400, 'Malformed Json received.'],
    ['network/insert', { network: 'x' }, 400, 'Malformed Json received.'],
    [
      'network/insert',
      { network: { description: 'x' } },
      400,
      'Validation failed: network.name must be a string of 1 to 128 characters',
    ],
    [
      'network/update',
      { networkId: 2 ** 63, network: { name: 'x' } },
      400,
      'Malformed Json received.',
    ],
    ['network/delete', { networkId: '99999999999999999999' }, 400, 'Malformed Json received.'],
    ['network/list', { take: -1 }, 400, 'Validation failed: take must be a non-negative integer'],
    [
      'device/save',
      { deviceId: 'a'.repeat(49), device: { name: 'n' } },
      400,
      'Validation failed: deviceId must be at most 48 characters long',
    ],
    [
      'device/save',
      { deviceId: 'fresh-1', device: { name: 'n', networkId: '9223372036854775808' } },
      400,
      'Malformed Json received.',
    ],
    ['device/list', { networkId: '9223372036854775808' }, 400, 'Malformed Json received.'],
    ['device/count', { networkId: 2 ** 63 }, 400, 'Malformed Json received.'],
    ['command/list', { deviceId: 'd', sortField: 'colour' }, 400, 'Invalid request parameters'],
    [
      'notification/list',
      { deviceId: 'd', sortField: 'colour' },
      400,
      'Invalid request parameters',
    ],
  ])('%s %j replies %i %s', (action, payload, status, text) => {
    expect(rejectionOf(action, payload)).toMatchObject({ status, text });
  });
});
