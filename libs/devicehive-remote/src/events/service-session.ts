import type { RemoteEndpoints, ServiceCredentials } from './remote-event-stream.port';

/** A refused or failed call to the remote server; its message never holds a token. */
export class RemoteCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'RemoteCallError';
  }
}

/** Refresh this long before the access token's expiry. */
const REFRESH_AHEAD_MS = 60_000;
/** When a token's expiry cannot be read: assume the reference's 30 minutes. */
const DEFAULT_ACCESS_LIFETIME_MS = 30 * 60_000;

/** `e` (expiry, epoch ms) of a DeviceHive JWT (`{"payload":{…,"e":…}}`), or the standard `exp`. */
export function tokenExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as {
      payload?: { e?: unknown };
      exp?: unknown;
    };
    const e = claims.payload?.e;
    if (typeof e === 'number' && Number.isFinite(e)) return e;
    if (typeof claims.exp === 'number' && Number.isFinite(claims.exp)) return claims.exp * 1000;
  } catch {
    return null;
  }
  return null;
}

/**
 * The stream's identity on the remote server: logs in (`POST {auth}/token`) or starts from a
 * refresh token, refreshes the access token (`POST {auth}/token/refresh`) before it expires, logs
 * in again when the refresh token is refused and credentials allow it. REST calls carry the
 * access token; one 401 answer gets a fresh token and one retry. Tokens stay in memory only.
 */
export class ServiceSession {
  private accessToken: string | null = null;
  private refreshToken: string | null;
  private expiresAt = 0;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly endpoints: RemoteEndpoints,
    private readonly credentials: ServiceCredentials,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshToken = 'refreshToken' in credentials ? credentials.refreshToken : null;
  }

  /** A valid access token (refreshed or obtained when missing or about to expire). */
  async token(): Promise<string> {
    if (this.accessToken && this.now() < this.expiresAt - REFRESH_AHEAD_MS) {
      return this.accessToken;
    }
    return this.renew();
  }

  /** When the current access token should be replaced (epoch ms); 0 before the first. */
  renewAt(): number {
    return this.accessToken ? this.expiresAt - REFRESH_AHEAD_MS : 0;
  }

  /** Forgets the access token (it was refused) and gets another. */
  renew(): Promise<string> {
    this.pending ??= this.obtain().finally(() => (this.pending = null));
    return this.pending;
  }

  private async obtain(): Promise<string> {
    if (this.refreshToken) {
      try {
        const body = await this.post('/token/refresh', { refreshToken: this.refreshToken });
        return this.keep(body['accessToken']);
      } catch (err) {
        // A refresh token that expired or was refused: log in again when we can.
        if (!('login' in this.credentials)) throw err;
      }
    }
    if (!('login' in this.credentials)) throw new RemoteCallError('no credentials', null);
    const body = await this.post('/token', {
      login: this.credentials.login,
      password: this.credentials.password,
    });
    if (typeof body['refreshToken'] === 'string') this.refreshToken = body['refreshToken'];
    return this.keep(body['accessToken']);
  }

  private keep(token: unknown): string {
    if (typeof token !== 'string' || token === '') {
      throw new RemoteCallError('the token endpoint answered without an access token', null);
    }
    this.accessToken = token;
    this.expiresAt = tokenExpiry(token) ?? this.now() + DEFAULT_ACCESS_LIFETIME_MS;
    return token;
  }

  private async post(path: string, body: object): Promise<Record<string, unknown>> {
    const response = await this.fetch(`${trim(this.endpoints.authUrl)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new RemoteCallError(`POST auth${path} answered ${response.status}`, response.status);
    }
    return (await response.json()) as Record<string, unknown>;
  }

  /** `GET {rest}{path}` with the access token; the parsed JSON body (undefined for 204). */
  async get(path: string): Promise<unknown> {
    const url = `${trim(this.endpoints.restUrl)}${path}`;
    let response = await this.fetch(url, { headers: await this.auth() });
    if (response.status === 401) {
      await this.renew();
      response = await this.fetch(url, { headers: await this.auth() });
    }
    if (response.status === 204) return undefined;
    if (!response.ok) {
      throw new RemoteCallError(
        `GET ${path.split('?')[0]} answered ${response.status}`,
        response.status,
      );
    }
    return response.json();
  }

  private async auth(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.token()}` };
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // The URL is ours (no secret in it); the cause may be a timeout or a refused connection.
      const reason =
        err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err);
      throw new RemoteCallError(`${new URL(url).pathname}: ${reason}`, null);
    }
  }
}

function trim(base: string): string {
  return base.replace(/\/+$/, '');
}
