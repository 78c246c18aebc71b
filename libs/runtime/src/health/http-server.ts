import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Gauge, type Registry } from 'prom-client';
import type { HealthChecks } from './health-checks';

export interface HttpServerDeps {
  checks: HealthChecks;
  metrics: Registry;
  /** Set once shutdown starts: readiness turns false so load balancers stop routing here. */
  isShuttingDown?: () => boolean;
  /**
   * Prometheus text appended to `metrics`' (series kept elsewhere, e.g. the standalone's gateway
   * thread; names never overlap with `metrics`'). A failure leaves it out of that scrape.
   */
  moreMetrics?: () => Promise<string>;
}

/**
 * The health and metrics endpoint, built but not listening (main listens):
 * `GET /healthz` liveness (200 while the event loop answers), `GET /readyz` 200/503 from the
 * registered checks with a JSON body naming each, `GET /metrics` Prometheus text. Anything else is
 * 404; methods other than GET/HEAD are 405.
 */
export function createHttpServer(deps: HttpServerDeps): Server {
  registerReadiness(deps);
  const server = createServer((req, res) => {
    handle(deps, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.destroy();
    });
  });
  // Idle keep-alive connections stay open longer than the clients that reuse them (a scraper,
  // a load balancer's 60 s idle timeout, fetch's 4 s): with Node's 5 s default, a probe sent on
  // a connection the server is just closing fails with ECONNRESET.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

/**
 * `dh_ready`: 1 when `/readyz` would answer 200, read at scrape time (alerts need it as a
 * series: a probe result is not one). Once per registry.
 */
function registerReadiness(deps: HttpServerDeps): void {
  if (deps.metrics.getSingleMetric('dh_ready')) return;
  new Gauge({
    name: 'dh_ready',
    help: 'Whether the process is ready (as /readyz): 1 yes, 0 no',
    registers: [deps.metrics],
    async collect() {
      const ready = !deps.isShuttingDown?.() && (await deps.checks.run()).ready;
      this.set(ready ? 1 : 0);
    },
  });
}

/** How long an idle keep-alive connection of the health endpoint stays open. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

async function handle(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'text/plain', 'method not allowed\n');
  }
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/healthz':
      return send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    case '/readyz': {
      if (deps.isShuttingDown?.()) {
        return send(res, 503, 'application/json', JSON.stringify({ status: 'shutting down' }));
      }
      const { ready, checks } = await deps.checks.run();
      const body = JSON.stringify({ status: ready ? 'ready' : 'not ready', checks });
      return send(res, ready ? 200 : 503, 'application/json', body);
    }
    case '/metrics': {
      const [own, more] = await Promise.all([
        deps.metrics.metrics(),
        deps.moreMetrics?.().catch(() => '') ?? '',
      ]);
      return send(res, 200, deps.metrics.contentType, own + more);
    }
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
