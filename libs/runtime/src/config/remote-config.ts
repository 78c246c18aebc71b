import { ConfigError, type EnvReader } from './env-reader';

/** Default bound of one call to the remote server: below the 10 s request timeout. */
export const DEFAULT_REMOTE_TIMEOUT_MS = 8_000;

/**
 * An existing DeviceHive server as the backend (`DH_DEVICEHIVE_URL`, docs/deployment.md "In front
 * of an existing DeviceHive"): its addresses, the service identity of the event stream, and the
 * bound of each call. Credentials are secrets: never logged, never in an error message.
 */
export interface RemoteBackendConfig {
  /** `DH_DEVICEHIVE_URL`: the REST base, e.g. `http://dh.example:8080/api/rest`. */
  restUrl: string;
  /** `DH_DEVICEHIVE_AUTH_URL`: the token endpoints' base; default `…/auth/rest`. */
  authUrl: string;
  /** `DH_DEVICEHIVE_WS_URL`: the WebSocket API; default `ws(s)://…/api/websocket`. */
  wsUrl: string;
  /**
   * `DH_DEVICEHIVE_LOGIN` + `DH_DEVICEHIVE_PASSWORD`, or `DH_DEVICEHIVE_REFRESH_TOKEN`: an
   * administrator of the server, for the event stream. Secret.
   */
  credentials: { login: string; password: string } | { refreshToken: string };
  /** `DH_DEVICEHIVE_TIMEOUT_MS`: bound of each call to the server. */
  timeoutMs: number;
}

const HTTP = ['http', 'https'];

/**
 * The addresses DeviceHive deployments use beside `…/api/rest`: `…/auth/rest` for tokens and
 * `ws(s)://…/api/websocket`; null when the REST URL does not end in `/api/rest`.
 */
export function derivedEndpoints(restUrl: string): { authUrl: string; wsUrl: string } | null {
  const url = new URL(restUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/api/rest')) return null;
  const prefix = path.slice(0, -'/api/rest'.length);
  const auth = new URL(url.href);
  auth.pathname = `${prefix}/auth/rest`;
  auth.search = '';
  const ws = new URL(url.href);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.pathname = `${prefix}/api/websocket`;
  ws.search = '';
  return { authUrl: auth.href, wsUrl: ws.href };
}

/**
 * Reads the remote backend's variables; undefined when `DH_DEVICEHIVE_URL` is unset (the
 * embedded core is the backend). `defaultTimeoutMs` is the process's own default. Throws a
 * {@link ConfigError} naming the variable: a bad URL, an address that cannot be derived, a
 * database URL set as well, or no (or half a) service identity.
 */
export function readRemoteBackend(
  env: EnvReader,
  defaultTimeoutMs = DEFAULT_REMOTE_TIMEOUT_MS,
): RemoteBackendConfig | undefined {
  const restUrl = env.optionalUrl('DH_DEVICEHIVE_URL', HTTP);
  if (restUrl === undefined) {
    for (const name of ['DH_DEVICEHIVE_AUTH_URL', 'DH_DEVICEHIVE_WS_URL']) {
      if (env.raw(name) !== undefined) {
        throw new ConfigError(name, 'is set without DH_DEVICEHIVE_URL');
      }
    }
    return undefined;
  }
  if (env.raw('DH_DATABASE_URL') !== undefined) {
    throw new ConfigError(
      'DH_DATABASE_URL',
      'must not be set with DH_DEVICEHIVE_URL: the remote DeviceHive server keeps the data',
    );
  }
  const derived = derivedEndpoints(restUrl);
  const authUrl = env.optionalUrl('DH_DEVICEHIVE_AUTH_URL', HTTP) ?? derived?.authUrl;
  if (authUrl === undefined) {
    throw new ConfigError(
      'DH_DEVICEHIVE_AUTH_URL',
      'must be set: DH_DEVICEHIVE_URL does not end in /api/rest, so the token address cannot be derived',
    );
  }
  const wsUrl = env.optionalUrl('DH_DEVICEHIVE_WS_URL', ['ws', 'wss']) ?? derived?.wsUrl;
  if (wsUrl === undefined) {
    throw new ConfigError(
      'DH_DEVICEHIVE_WS_URL',
      'must be set: DH_DEVICEHIVE_URL does not end in /api/rest, so the WebSocket address cannot be derived',
    );
  }
  return {
    restUrl,
    authUrl,
    wsUrl,
    credentials: readCredentials(env),
    timeoutMs: env.integer('DH_DEVICEHIVE_TIMEOUT_MS', defaultTimeoutMs, 100, 600_000),
  };
}

function readCredentials(env: EnvReader): RemoteBackendConfig['credentials'] {
  const login = env.optionalString('DH_DEVICEHIVE_LOGIN');
  const password = env.optionalSecret('DH_DEVICEHIVE_PASSWORD');
  const refreshToken = env.optionalSecret('DH_DEVICEHIVE_REFRESH_TOKEN');
  if (refreshToken !== undefined && (login !== undefined || password !== undefined)) {
    throw new ConfigError(
      'DH_DEVICEHIVE_REFRESH_TOKEN',
      'must not be set with DH_DEVICEHIVE_LOGIN/DH_DEVICEHIVE_PASSWORD: give one identity',
    );
  }
  if (refreshToken !== undefined) return { refreshToken };
  if (login !== undefined && password === undefined) {
    throw new ConfigError('DH_DEVICEHIVE_PASSWORD', 'must be set with DH_DEVICEHIVE_LOGIN');
  }
  if (login === undefined && password !== undefined) {
    throw new ConfigError('DH_DEVICEHIVE_LOGIN', 'must be set with DH_DEVICEHIVE_PASSWORD');
  }
  if (login === undefined || password === undefined) {
    throw new ConfigError(
      'DH_DEVICEHIVE_LOGIN',
      'must be set (with DH_DEVICEHIVE_PASSWORD), or DH_DEVICEHIVE_REFRESH_TOKEN: the event stream needs an administrator of the DeviceHive server',
    );
  }
  return { login, password };
}
