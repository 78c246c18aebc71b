import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVersion, STANDALONE_MAIN } from '../paths';
import { freePort } from './free-port';
import { spawnServer, type RunningSystem } from './system';

/** The bootstrap admin of a fresh database (docs/api/README.md). */
export const BOOTSTRAP_ADMIN = { username: 'dhadmin', password: 'dhadmin_#911' };

export interface StandaloneOptions {
  /** Directory for `node --cpu-prof` output; unset = no profiling. */
  cpuProfDir?: string;
  /** Serve DeviceHive's REST and WebSocket APIs on a free port (`apiUrl` of the result). */
  api?: boolean;
  /** More `DH_*` variables (e.g. `DH_DEVICEHIVE_URL` for the remote backend). */
  env?: Record<string, string>;
  /** Name in tables and JSON (default `dh-mqtt`). */
  name?: string;
  /** Settings printed with the results, beside the defaults. */
  settings?: Record<string, string | number | boolean>;
}

/**
 * Our embedded product (broker with every hook, NestJS gateway, core on PGlite: in a worker
 * thread, or with `DH_GATEWAY_THREAD=main` in the bench's environment on the main thread)
 * as its own process, built by `tools/bench/run.mjs`, on free ports and a fresh data directory.
 */
export async function startStandalone(
  options: StandaloneOptions = {},
): Promise<RunningSystem & { apiUrl?: string }> {
  const [mqtt, ws, http] = [await freePort(), await freePort(), await freePort()];
  const api = options.api ? await freePort() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-bench-'));
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const env = {
    ...process.env,
    DH_HOST: '127.0.0.1',
    DH_MQTT_PORT: String(mqtt),
    DH_WS_PORT: String(ws),
    DH_HTTP_PORT: String(http),
    DH_API_PORT: api === undefined ? 'off' : String(api),
    DH_DATA_DIR: dataDir,
    DH_LOG_LEVEL: 'warn',
    // One closed-loop client sends more than the default 1,000 requests/s: without this, 429
    // replies counted as throughput (issue 12); the embedded and the cluster run with it off.
    DH_REQUEST_RATE: '0',
    DH_ADMIN_PASSWORD: BOOTSTRAP_ADMIN.password,
    ...options.env,
  };
  const proc = await spawnServer(process.execPath, [...nodeArgs, STANDALONE_MAIN], mqtt, env);
  return {
    name: options.name ?? 'dh-mqtt',
    ...(api === undefined ? {} : { apiUrl: `http://127.0.0.1:${api}` }),
    version: `aedes ${packageVersion('aedes')}, PGlite ${packageVersion('@electric-sql/pglite')}`,
    url: `mqtt://127.0.0.1:${mqtt}`,
    metricsUrl: `http://127.0.0.1:${http}/metrics`,
    pid: proc.pid,
    credentials: BOOTSTRAP_ADMIN,
    settings: {
      // DH_GATEWAY_THREAD passes through from the bench's environment (docs/adr/0016).
      process:
        process.env['DH_GATEWAY_THREAD'] === 'main'
          ? 'embedded (broker + in-process bus + gateway + PGlite, one thread)'
          : 'embedded (broker; worker bus; gateway + PGlite in a worker thread)',
      hooks: 'all (authenticate, authorizePublish/Subscribe/Forward)',
      tcpNoDelay: true,
      login: 'every client logs in as dhadmin',
      cpuProfile: options.cpuProfDir ?? false,
      ...options.settings,
    },
    stop: async () => {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
