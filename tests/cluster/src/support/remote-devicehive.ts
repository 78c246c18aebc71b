import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from '@dh-mqtt/broker';
import { createInProcessBus } from '@dh-mqtt/bus';
import { createDeviceHive } from '@dh-mqtt/devicehive';
import { createGateway } from '@dh-mqtt/gateway';
import { createApiServer } from '@dh-mqtt/http-api';
import { closeServer, listen, loadStandaloneConfig, silentLogger } from '@dh-mqtt/runtime';

/** The bootstrap admin of the remote (its own fresh database). */
export const REMOTE_ADMIN = { login: 'dhadmin', password: 'dhadmin_#911' } as const;

/**
 * A separate DeviceHive server for the remote-mode suites: this product's embedded core, bus,
 * gateway and broker side serving only the DeviceHive REST and WebSocket APIs (no MQTT listener),
 * in this process, on a free port of its own.
 */
export interface RemoteDeviceHive {
  readonly base: string;
  /** One REST call with the admin's token; the parsed body. */
  rest(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startRemoteDeviceHive(): Promise<RemoteDeviceHive> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dh-remote-'));
  const config = loadStandaloneConfig({
    DH_HOST: '127.0.0.1',
    DH_DATA_DIR: dataDir,
    DH_JWT_SECRET: 'remote-devicehive-secret-of-enough-length-0123456789',
  });
  const logger = silentLogger();
  const deviceHive = await createDeviceHive({
    dataDir,
    adminPassword: config.adminPassword,
    jwtSecret: config.jwtSecret,
    allowDefaultAdminPassword: config.allowDefaultAdminPassword,
    logger,
  });
  const bus = createInProcessBus({ requestTimeoutMs: config.requestTimeoutMs });
  const gateway = await createGateway({
    deviceHive,
    bus: bus.gateway,
    logger,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await bus.broker.start();
  const broker = await createBroker({ bus: bus.broker, logger, config });
  const api = createApiServer({ face: broker, logger, maxRequestSize: config.maxRequestSize });
  const port = await listen(api.server, 0, '127.0.0.1', 'DH_API_PORT');
  const base = `http://127.0.0.1:${port}`;
  let token: string | undefined;
  const call = async (method: string, path: string, body?: unknown, auth?: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  return {
    base,
    async rest(method, path, body) {
      token ??= (await call('POST', '/auth/rest/token', REMOTE_ADMIN)).json[
        'accessToken'
      ] as string;
      return call(method, path, body, token);
    },
    async close() {
      const closed = closeServer(api.server);
      api.closeConnections();
      await closed;
      await broker.close();
      await gateway.close();
      await bus.broker.close();
      await deviceHive.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
