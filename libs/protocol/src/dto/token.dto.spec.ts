import { acceptedOf, rejectionOf } from '../testing/dto.fixtures';
import {
  AuthenticateRequest,
  TokenCreateRequest,
  TokenRefreshRequest,
  TokenRequest,
} from './token.dto';

describe(AuthenticateRequest.name, () => {
  it('accepts a token', () => {
    expect(acceptedOf('authenticate', { token: 'a.b.c', requestId: 'r' })).toEqual({
      token: 'a.b.c',
    });
  });

  it.each([
    [{}, 401, 'Unauthorized'],
    [{ token: null }, 401, 'Unauthorized'],
    [{ token: '' }, 401, 'Unauthorized'],
    [{ token: 42 }, 401, 'Invalid credentials'],
    [{ token: { jwt: 'x' } }, 401, 'Invalid credentials'],
  ])('with %j replies %i %s', (payload, status, text) => {
    expect(rejectionOf('authenticate', payload)).toMatchObject({ status, text });
  });
});

describe(TokenRequest.name, () => {
  it('accepts a login and a password', () => {
    expect(acceptedOf('token', { login: 'dhadmin', password: 'dhadmin_#911' })).toEqual({
      login: 'dhadmin',
      password: 'dhadmin_#911',
    });
  });

  it.each([
    [{ password: 'secret' }],
    [{ login: '   ', password: 'secret' }],
    [{ login: 'dhadmin' }],
    [{ login: 'dhadmin', password: '' }],
    [{ login: ['dhadmin'], password: 'secret' }],
  ])('with %j replies 400 with the reference text', (payload) => {
    expect(rejectionOf('token', payload)).toEqual({
      status: 400,
      code: 'INVALID_AUTH_REQUEST_PARAMETERS',
      text: 'Invalid or empty authorization request parameters',
    });
  });
});

describe(TokenRefreshRequest.name, () => {
  it('accepts a refresh token', () => {
    expect(acceptedOf('token/refresh', { refreshToken: 'r.t.x' }).refreshToken).toBe('r.t.x');
  });

  it.each([[{}], [{ refreshToken: '' }], [{ refreshToken: 1 }]])(
    'with %j replies 400',
    (payload) => {
      expect(rejectionOf('token/refresh', payload)).toMatchObject({
        status: 400,
        text: 'Missing or invalid payload in request',
      });
    },
  );
});

describe(TokenCreateRequest.name, () => {
  it('accepts the MQTT test payload', () => {
    const request = acceptedOf('token/create', {
      payload: { userId: 1, networkIds: [1], deviceTypeIds: [1] },
    });
    expect(request.payload).toEqual({ userId: 1, networkIds: [1], deviceTypeIds: [1] });
  });

  it('accepts wildcards, permission names and ids, and lenient expirations', () => {
    const request = acceptedOf('token/create', {
      payload: {
        userId: '2',
        actions: ['GetNetwork', 3, '*'],
        networkIds: ['*', '7'],
        deviceTypeIds: ['*'],
        expiration: '2030-01-01T00:00:00Z',
        refreshExpiration: 1893456000000,
      },
    });
    expect(request.payload).toMatchObject({
      userId: 2,
      networkIds: ['*', 7],
      actions: ['GetNetwork', 3, '*'],
    });
    expect(request.payload.expiration?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(request.payload.refreshExpiration?.getTime()).toBe(1893456000000);
  });

  it.each([
    [{}, 'Missing or invalid payload in request'],
    [{ payload: null }, 'Missing or invalid payload in request'],
    [{ payload: 'x' }, 'Malformed Json received.'],
    [{ payload: [1] }, 'Malformed Json received.'],
    [{ payload: {} }, 'Validation failed: payload.userId must be an integer'],
    [{ payload: { userId: 'me' } }, 'Validation failed: payload.userId must be an integer'],
    [
      { payload: { userId: 1, actions: 'GetNetwork' } },
      'Validation failed: payload.actions must be an array of permission names or ids',
    ],
    [
      { payload: { userId: 1, networkIds: ['net'] } },
      'Validation failed: payload.networkIds must be an array of ids or "*"',
    ],
    [{ payload: { userId: 1, expiration: 'tomorrow' } }, 'Unparseable timestamp'],
  ])('with %j replies 400 %s', (payload, text) => {
    expect(rejectionOf('token/create', payload)).toMatchObject({ status: 400, text });
  });
});
