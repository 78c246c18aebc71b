import { AEDES_SERVER_MAIN, packageVersion } from '../paths';
import { freePort } from './free-port';
import { spawnServer, type RunningSystem } from './system';

/** Plain aedes in memory, no hooks, `noDelay` sockets: the ceiling our broker is compared with. */
export async function startPlainAedes(): Promise<RunningSystem> {
  const port = await freePort();
  const proc = await spawnServer(process.execPath, [AEDES_SERVER_MAIN, String(port)], port);
  return {
    name: 'aedes',
    version: packageVersion('aedes'),
    url: `mqtt://127.0.0.1:${port}`,
    pid: proc.pid,
    settings: { persistence: 'in-memory', hooks: 'none', tcpNoDelay: true },
    stop: () => proc.stop(),
  };
}
