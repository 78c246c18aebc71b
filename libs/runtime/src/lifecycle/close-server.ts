import { ConfigError } from '../config/env-reader';
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

/**
 * Listens on `port` (0 = a free one) and resolves with the bound port. A port already in use
 * rejects with a {@link ConfigError} naming `variable` (the `DH_*_PORT` it came from) when given.
 */
export function listen(
  server: Server,
  port: number,
  host?: string,
  variable?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' && variable
          ? new ConfigError(
              variable,
              `port ${port} is already in use on ${host ?? 'every interface'}: stop the process that listens there or choose another port`,
            )
          : err,
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
