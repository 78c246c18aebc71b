import type { ActionName } from '../actions/action-catalog';
import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';
import { UserInsertRequest, UserUpdateRequest } from './user.dto';

const LOGIN_LENGTH = 'Field cannot be empty. The length of login should be from 3 to 128 symbols.';
const LOGIN_PATTERN =
  'Login can contain only lowercase or uppercase letters, numbers, and some special symbols (_@.)';
const PASSWORD = 'Password can contain only from 6 to 128 symbols!';
const ROLE = 'User role is invalid or empty';

describe(UserInsertRequest.name, () => {
  it('fills the documented defaults of a minimal user and trims the login', () => {
    const request = acceptedOf('user/insert', {
      user: { login: '  alice@x.io ', role: 1, password: 'secret' },
    });
    expect(request.user).toEqual({
      login: 'alice@x.io',
      role: 1,
      password: 'secret',
      status: 0,
      introReviewed: false,
      allDeviceTypesAvailable: true,
    });
  });

  it('keeps every field of a full user', () => {
    const user = {
      login: 'bob_1',
      role: 0,
      status: 2,
      password: 'p'.repeat(128),
      data: { a: 1 },
      introReviewed: true,
      allDeviceTypesAvailable: false,
    };
    expect(acceptedOf('user/insert', { user: { ...user, oldPassword: 'x' } }).user).toEqual(user);
  });

  it.each([
    [{}, 'User is required'],
    [{ user: 'bob' }, 'Malformed Json received.'],
    [{ user: { login: 'bob', password: 'secret' } }, ROLE],
    [{ user: { login: 'bob', password: 'secret', role: 2 } }, ROLE],
    [{ user: { login: 'bob', password: 'secret', role: '0' } }, ROLE],
    [
      { user: { login: 'bob', password: 'secret', role: 1, status: 3 } },
      'Validation failed: user.status must be 0 (active), 1 (locked out) or 2 (disabled)',
    ],
    [{ user: { login: 'bob', role: 1 } }, PASSWORD],
    [{ user: { login: 'bob', role: 1, password: 'short' } }, PASSWORD],
    [{ user: { login: 'bob', role: 1, password: 'p'.repeat(129) } }, PASSWORD],
    [{ user: { role: 1, password: 'secret' } }, LOGIN_LENGTH],
    [{ user: { login: 'a', role: 1, password: 'secret' } }, LOGIN_LENGTH],
    [{ user: { login: '  ab  ', role: 1, password: 'secret' } }, LOGIN_LENGTH],
    [{ user: { login: 'bob smith', role: 1, password: 'secret' } }, LOGIN_PATTERN],
    [
      { user: { login: 'bob', role: 1, password: 'secret', data: [] } },
      "'parameters' must be JSON Object!",
    ],
    [
      { user: { login: 'bob', role: 1, password: 'secret', introReviewed: 1 } },
      'Validation failed: user.introReviewed must be a boolean',
    ],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('user/insert', payload)).toMatchObject({ status: 400, text });
  });
});

describe(UserUpdateRequest.name, () => {
  it('keeps only the fields given and drops an empty password', () => {
    const request = acceptedOf('user/update', {
      userId: '3',
      user: { password: '', data: { x: 1 } },
    });
    expect(request.userId).toBe(3);
    expect(request.user).toEqual({ data: { x: 1 } });
  });

  it.each([
    [{ userId: 1 }, 'User is required'],
    [{ user: {} }, 'User id is wrong or empty'],
    [{ userId: 'me', user: {} }, 'User id is wrong or empty'],
    [{ userId: 1, user: { role: 5 } }, ROLE],
    [{ userId: 1, user: { password: '12345' } }, PASSWORD],
    [{ userId: 1, user: { login: 'x' } }, LOGIN_LENGTH],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('user/update', payload)).toMatchObject({ status: 400, text });
  });

  it('replies 400 User is required for updateCurrent without a user', () => {
    expect(rejectionOf('user/updateCurrent', {})).toMatchObject({
      status: 400,
      text: 'User is required',
    });
  });
});

describe('user lookups and assignments', () => {
  it.each([
    ['user/get', { userId: 1 }],
    ['user/delete', { userId: '1' }],
    ['user/getNetwork', { userId: 1, networkId: 1 }],
    ['user/assignNetwork', { userId: 1, networkId: '1' }],
    ['user/unassignNetwork', { userId: 1, networkId: 1 }],
    ['user/getDeviceType', { userId: 1, deviceTypeId: 1 }],
    ['user/assignDeviceType', { userId: 1, deviceTypeId: 1 }],
    ['user/unassignDeviceType', { userId: 1, deviceTypeId: 1 }],
    ['user/getDeviceTypes', { userId: 1 }],
    ['user/allowAllDeviceTypes', { userId: 1 }],
    ['user/disallowAllDeviceTypes', { userId: 1 }],
    ['user/getCurrent', { userId: 'ignored' }],
  ] as const)('%s accepts %j', (action, payload) => {
    expect(() => acceptedOf(action as ActionName, payload)).not.toThrow();
  });

  it.each([
    ['user/get', {}, 'User id is wrong or empty'],
    ['user/delete', { userId: 1.5 }, 'User id is wrong or empty'],
    ['user/getNetwork', { networkId: 1 }, 'User id is wrong or empty'],
    ['user/getNetwork', { userId: 1 }, 'Network id is wrong or empty'],
    ['user/assignNetwork', { userId: 1, networkId: 'x' }, 'Malformed Json received.'],
    ['user/assignDeviceType', { userId: 1 }, 'Device type id is wrong or empty'],
    ['user/allowAllDeviceTypes', {}, 'User id is wrong or empty'],
  ] as const)('%s with %j replies 400 %s', (action, payload, text) => {
    expect(rejectionOf(action, payload)).toMatchObject({ status: 400, text });
  });
});

describe('user/list and user/count', () => {
  it('accepts filters, sort and paging', () => {
    expect(
      acceptedOf('user/list', {
        loginPattern: 'a%',
        role: 1,
        status: 0,
        sortField: 'LOGIN',
        take: 10,
      }),
    ).toMatchObject({
      loginPattern: 'a%',
      role: 1,
      status: 0,
      sortField: 'login',
      take: 10,
      skip: 0,
      sortOrder: 'ASC',
    });
  });

  it.each([
    ['user/list', { sortField: 'name' }, 'Invalid request parameters'],
    ['user/list', { role: 2 }, 'Validation failed: role must be 0 (admin) or 1 (client)'],
    [
      'user/count',
      { status: 3 },
      'Validation failed: status must be 0 (active), 1 (locked out) or 2 (disabled)',
    ],
  ] as const)('%s with %j replies 400 %s', (action, payload, text) => {
    expect(rejectionOf(action, payload)).toMatchObject({ status: 400, text });
  });
});
