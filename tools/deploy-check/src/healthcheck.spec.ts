import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEPLOY_PATHS } from './repo-paths';

// docker/healthcheck.cjs is the HEALTHCHECK of both images and the compose probes.
function probe(port: number, path?: string): Promise<number> {
  return new Promise((resolve) => {
    const args = [DEPLOY_PATHS.healthcheck, ...(path ? [path] : [])];
    const child = execFile(process.execPath, args, { env: { DH_HTTP_PORT: String(port) } });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('docker/healthcheck.cjs', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/hang') return;
      res.writeHead(req.url === '/healthz' ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('exits 0 when /healthz answers 200, probing /healthz by default', async () => {
    await expect(probe(port)).resolves.toBe(0);
    expect(seen.at(-1)).toBe('/healthz');
  });

  it('exits 1 when the probed path answers 503', async () => {
    await expect(probe(port, '/readyz')).resolves.toBe(1);
  });

  it('exits 1 when nothing listens on DH_HTTP_PORT', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(probe(freePort)).resolves.toBe(1);
  });

  it('exits 1 when the server does not answer in time', async () => {
    await expect(probe(port, '/hang')).resolves.toBe(1);
  }, 10_000);
});
