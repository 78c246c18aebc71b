import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths';

/**
 * A TCP port free right now on 127.0.0.1, below the kernel's ephemeral range (never the
 * well-known 1883: other programs may hold it): `tools/infra`'s `freePort`, so the bench's
 * processes and its services pick ports the same way.
 */
export function freePort(): Promise<number> {
  const infra = require(join(REPO_ROOT, 'tools/infra/free-port.cjs')) as {
    freePort(host?: string): Promise<number>;
  };
  return infra.freePort('127.0.0.1');
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive()) throw new Error(`process exited before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
