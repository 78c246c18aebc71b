import type { Server } from 'node:net';

/**
 * Stops a listening server: no new connections, then waits for the open ones to end. Resolves
 * at once when it was never listening.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) return resolve();
    server.close((err) => (err ? reject(err) : resolve()));
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}

/** Listens on `port` (0 = a free one) and resolves with the bound port. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
