import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceSession, tokenExpiry } from './service-session';

/** A token shaped as DeviceHive's (`{"payload":{…,"e":…}}`); the signature is not checked here. */
function token(name: string, expiresAt: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part({ payload: { u: 1, e: expiresAt, t: 1, name } })}.sig`;
}

interface Call {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** An auth + REST server whose answers the test scripts. */
class FakeServer {
  readonly calls: Call[] = [];
  handler: (call: Call, res: ServerResponse) => void = (_c, res) => res.writeHead(500).end();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (chunk) => (text += String(chunk)));
      req.on('end', () => {
        const call = {
          path: req.url ?? '',
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          authorization: req.headers.authorization,
        };
        this.calls.push(call);
        this.handler(call, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const json = (res: ServerResponse, status: number, body: object) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('ServiceSession', () => {
  const server = new FakeServer();
  let now = 1_000_000;
  const session = (credentials: ConstructorParameters<typeof ServiceSession>[1]) =>
    new ServiceSession(
      { restUrl: `${server.base}/api/rest/`, authUrl: `${server.base}/auth/rest`, wsUrl: '' },
      credentials,
      2_000,
      () => now,
    );

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => (server.calls.length = 0));

  it('reads the expiry of a DeviceHive token or of a standard one', () => {
    expect(tokenExpiry(token('a', 1234))).toBe(1234);
    const std = `x.${Buffer.from('{"exp":5}').toString('base64url')}.y`;
    expect(tokenExpiry(std)).toBe(5000);
    expect(tokenExpiry('garbage')).toBeNull();
  });

  it('logs in once, reuses the token, refreshes it a minute before it expires', async () => {
    server.handler = (call, res) => {
      if (call.path === '/auth/rest/token') {
        json(res, 201, { accessToken: token('first', now + 600_000), refreshToken: 'r1' });
      } else if (call.path === '/auth/rest/token/refresh') {
        json(res, 201, { accessToken: token('second', now + 600_000) });
      } else json(res, 404, {});
    };
    const s = session({ login: 'svc', password: 'pw' });
    const first = await s.token();
    expect(await s.token()).toBe(first);
    now += 540_001;
    const second = await s.token();
    expect(second).not.toBe(first);
    expect(server.calls.map((c) => c.path)).toEqual([
      '/auth/rest/token',
      '/auth/rest/token/refresh',
    ]);
    expect(server.calls[0].body).toEqual({ login: 'svc', password: 'pw' });
    expect(server.calls[1].body).toEqual({ refreshToken: 'r1' });
  });

  it('logs in again when the refresh token is refused', async () => {
    let logins = 0;
    server.handler = (call, res) => {
      if (call.path === '/auth/rest/token') {
        logins += 1;
        json(res, 201, { accessToken: token(`l${logins}`, now + 600_000), refreshToken: 'r' });
      } else json(res, 401, { error: 401, message: 'Token expired' });
    };
    const s = session({ login: 'svc', password: 'pw' });
    await s.token();
    await s.renew();
    expect(logins).toBe(2);
  });

  it('with only a refresh token, fails when the refresh is refused', async () => {
    server.handler = (_call, res) => json(res, 401, { error: 401, message: 'Invalid credentials' });
    await expect(session({ refreshToken: 'bad' }).token()).rejects.toThrow(
      'POST auth/token/refresh answered 401',
    );
  });

  it('retries a REST call once with a new token after a 401', async () => {
    let refreshed = 0;
    server.handler = (call, res) => {
      if (call.path === '/auth/rest/token/refresh') {
        refreshed += 1;
        json(res, 201, { accessToken: token(`t${refreshed}`, now + 600_000) });
      } else if (refreshed === 1) json(res, 401, {});
      else json(res, 200, { ok: refreshed });
    };
    const s = session({ refreshToken: 'r' });
    expect(await s.get('/network')).toEqual({ ok: 2 });
    expect(server.calls.filter((c) => c.path === '/api/rest/network')).toHaveLength(2);
  });

  it('reports an unreachable server without a token in the message', async () => {
    const s = new ServiceSession(
      {
        restUrl: 'http://127.0.0.1:1/api/rest',
        authUrl: 'http://127.0.0.1:1/auth/rest',
        wsUrl: '',
      },
      { login: 'svc', password: 'secret-pw' },
      1_000,
    );
    const error = (await s.token().catch((err: unknown) => err)) as Error;
    expect(error.message).toMatch(/^\/auth\/rest\/token: /);
    expect(error.message).not.toContain('secret-pw');
  });
});
