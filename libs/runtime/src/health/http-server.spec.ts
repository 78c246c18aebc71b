import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthChecks } from './health-checks';
import { createHttpServer } from './http-server';
import { createMetricsRegistry } from './metrics';

describe(createHttpServer.name, () => {
  let server: Server;
  let checks: HealthChecks;
  let shuttingDown = false;
  let base: string;

  beforeEach(async () => {
    checks = new HealthChecks();
    shuttingDown = false;
    server = createHttpServer({
      checks,
      metrics: createMetricsRegistry({ app: 'test' }),
      isShuttingDown: () => shuttingDown,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is not listening when built', () => {
    const built = createHttpServer({ checks, metrics: createMetricsRegistry() });
    expect(built.listening).toBe(false);
  });

  it('answers /healthz with 200', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
  });

  it('keeps idle connections longer than the clients that reuse them', async () => {
    // Node's 5 s default closed connections that fetch (4 s) or a load balancer (60 s) was
    // about to reuse: the probe failed with ECONNRESET.
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get('keep-alive')).toBe('timeout=65');
  });

  describe('when every readiness check passes', () => {
    it('answers /readyz with 200 and names the checks', async () => {
      checks.register('database', async () => true);
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ready',
        checks: [{ name: 'database', ok: true }],
      });
    });
  });

  describe('when a check fails, throws or the process is shutting down', () => {
    it.each([
      ['fails', () => false, false],
      ['throws', () => Promise.reject(new Error('down')), false],
      ['passes but shutdown started', () => true, true],
    ])('answers /readyz with 503 when a check %s', async (_case, check, shutdown) => {
      checks.register('bus', check);
      shuttingDown = shutdown;
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
    });
  });

  it('serves Prometheus metrics on /metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('process_cpu_user_seconds_total{app="test"}');
  });

  it('exports readiness as dh_ready and the version as dh_build_info', async () => {
    checks.register('bus', () => true);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^dh_ready\{app="test"\} 1$/m);
    checks.register('bus', () => false);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^dh_ready\{app="test"\} 0$/m);
    expect(text).toMatch(/^dh_build_info\{version="\d+\.\d+\.\d+",app="test"\} 1$/m);
  });

  describe('when more metrics come from elsewhere (moreMetrics)', () => {
    async function scrapeWith(moreMetrics: () => Promise<string>): Promise<string> {
      const other = createHttpServer({ checks, metrics: createMetricsRegistry(), moreMetrics });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const port = (other.address() as AddressInfo).port;
        return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    }

    it('appends their text to the registry’s', async () => {
      const text = await scrapeWith(async () => 'dh_elsewhere_total 3\n');

      expect(text).toMatch(/^dh_build_info\{/m);
      expect(text.endsWith('dh_elsewhere_total 3\n')).toBe(true);
    });

    it('still answers with the registry’s own when they fail', async () => {
      const text = await scrapeWith(async () => {
        throw new Error('gateway thread exited');
      });

      expect(text).toMatch(/^dh_build_info\{/m);
    });
  });

  it('answers an unknown path with 404 and a POST with 405', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
