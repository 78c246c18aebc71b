import { loadGatewayConfig, loadStandaloneConfig } from './config';
import { ConfigError } from './env-reader';
import { derivedEndpoints } from './remote-config';

const REMOTE = {
  DH_DEVICEHIVE_URL: 'https://dh.example:8443/api/rest',
  DH_DEVICEHIVE_LOGIN: 'dhadmin',
  DH_DEVICEHIVE_PASSWORD: 'secret-Pa55',
};

describe('the remote backend configuration (DH_DEVICEHIVE_URL)', () => {
  it('is absent without DH_DEVICEHIVE_URL', () => {
    expect(loadGatewayConfig({}).remote).toBeUndefined();
  });

  it('derives the token and WebSocket addresses the way DeviceHive deployments lay them out', () => {
    expect(loadGatewayConfig(REMOTE).remote).toEqual({
      restUrl: 'https://dh.example:8443/api/rest',
      authUrl: 'https://dh.example:8443/auth/rest',
      wsUrl: 'wss://dh.example:8443/api/websocket',
      credentials: { login: 'dhadmin', password: 'secret-Pa55' },
      timeoutMs: 8_000,
    });
    expect(derivedEndpoints('http://h/dh/api/rest/')).toEqual({
      authUrl: 'http://h/dh/auth/rest',
      wsUrl: 'ws://h/dh/api/websocket',
    });
  });

  it('takes explicit addresses, a refresh token and a timeout', () => {
    const remote = loadGatewayConfig({
      DH_DEVICEHIVE_URL: 'http://front:80/rest',
      DH_DEVICEHIVE_AUTH_URL: 'http://auth:80/rest',
      DH_DEVICEHIVE_WS_URL: 'ws://front:80/websocket',
      DH_DEVICEHIVE_REFRESH_TOKEN: 'r.t.k',
      DH_DEVICEHIVE_TIMEOUT_MS: '2500',
    }).remote;
    expect(remote).toMatchObject({
      authUrl: 'http://auth:80/rest',
      wsUrl: 'ws://front:80/websocket',
      credentials: { refreshToken: 'r.t.k' },
      timeoutMs: 2500,
    });
  });

  it('keeps the embedded default a few seconds below the broker’s request timeout', () => {
    expect(loadStandaloneConfig(REMOTE).remote?.timeoutMs).toBe(8_000);
    expect(
      loadStandaloneConfig({ ...REMOTE, DH_REQUEST_TIMEOUT_MS: '5000' }).remote?.timeoutMs,
    ).toBe(3_000);
  });

  it.each([
    [{ ...REMOTE, DH_DEVICEHIVE_URL: 'ftp://x/api/rest' }, 'DH_DEVICEHIVE_URL'],
    [{ ...REMOTE, DH_DATABASE_URL: 'postgres://u:p@db/dh' }, 'DH_DATABASE_URL'],
    [{ ...REMOTE, DH_DEVICEHIVE_URL: 'http://h/rest' }, 'DH_DEVICEHIVE_AUTH_URL'],
    [
      { ...REMOTE, DH_DEVICEHIVE_URL: 'http://h/rest', DH_DEVICEHIVE_AUTH_URL: 'http://h/a' },
      'DH_DEVICEHIVE_WS_URL',
    ],
    [{ DH_DEVICEHIVE_URL: REMOTE.DH_DEVICEHIVE_URL }, 'DH_DEVICEHIVE_LOGIN'],
    [{ ...REMOTE, DH_DEVICEHIVE_PASSWORD: '' }, 'DH_DEVICEHIVE_PASSWORD'],
    [{ ...REMOTE, DH_DEVICEHIVE_REFRESH_TOKEN: 'r' }, 'DH_DEVICEHIVE_REFRESH_TOKEN'],
    [{ ...REMOTE, DH_DEVICEHIVE_TIMEOUT_MS: '10' }, 'DH_DEVICEHIVE_TIMEOUT_MS'],
    [{ DH_DEVICEHIVE_WS_URL: 'ws://h/api/websocket' }, 'DH_DEVICEHIVE_WS_URL'],
  ])('refuses %j naming %s, without echoing a secret', (env, variable) => {
    let caught: unknown;
    try {
      loadGatewayConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).not.toContain('secret-Pa55');
  });
});
