import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import type { FabricPublisher } from '@dh-mqtt/broker';
import { createInProcessBus, type PublishEventOptions } from '@dh-mqtt/bus';
import { buildRequestEnvelope } from '@dh-mqtt/bus/testing';
import {
  DataDirInUseError,
  DefaultAdminPasswordError,
  SAMPLE_DEVICE_ID,
  type DeviceHive,
} from '@dh-mqtt/devicehive';
import { openTestDeviceHive } from '@dh-mqtt/devicehive/testing';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import { adminPrincipal } from '@dh-mqtt/protocol/testing';
import { loadGatewayConfig, silentLogger } from '@dh-mqtt/runtime';
import { createGatewayApp } from '../src/gateway-app';

const config = loadGatewayConfig({ DH_HOST: '127.0.0.1', DH_HTTP_PORT: '0' });

describe(createGatewayApp.name, () => {
  describe('when the database is unreachable for the first attempts', () => {
    it('stays unready while retrying, then serves requests without a restart', async () => {
      const bus = createInProcessBus({ requestTimeoutMs: 5_000 });
      let attempts = 0;
      let core: DeviceHive | undefined;
      const app = createGatewayApp(config, {
        bus: bus.gateway,
        logger: silentLogger(),
        retry: { initialMs: 20, maxMs: 50 },
        openDeviceHive: async () => {
          attempts += 1;
          if (attempts < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:5');
          core = await openTestDeviceHive('pglite');
          return core;
        },
      });
      // Shut down whatever happens: a failed expectation must not leave the app (and the test
      // run) hanging on its open server and database.
      let closed = false;
      const shutdown = async () => {
        if (closed) return;
        closed = true;
        for (const step of app.shutdownSteps) await step.close();
        await bus.broker.close();
      };
      try {
        const port = await app.listenHealth();
        const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
        expect(await readyz()).toBe(503);

        await app.start();
        await bus.broker.start();

        expect(attempts).toBe(3);
        expect(await readyz()).toBe(200);
        const reply = await bus.broker.request(
          buildRequestEnvelope({ request: { action: 'server/info', requestId: 1 } }),
        );
        expect(reply.reply).toMatchObject({ status: 'success', requestId: 1 });
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toContain(
          'dh_gateway_actions_total{action="server/info",outcome="success",app="gateway"} 1',
        );
        expect(metrics).toContain('dh_ready{app="gateway"} 1');

        await shutdown();
        await expect(core?.ping()).resolves.toBe(false);
      } finally {
        await shutdown();
      }
    }, 60_000);
  });

  describe('with a push publisher (docs/adr/0021)', () => {
    it('publishes the push before the event goes to the bus, and says on the bus whether it did', async () => {
      const bus = createInProcessBus({ requestTimeoutMs: 5_000 });
      const order: string[] = [];
      const published: Array<{ event: DeviceEvent; options?: PublishEventOptions }> = [];
      const busPublish = bus.gateway.publishEvent.bind(bus.gateway);
      bus.gateway.publishEvent = async (event, options) => {
        order.push(`bus ${event.data['notification'] as string}`);
        published.push({ event, options });
        await busPublish(event, options);
      };
      // The fabric takes the first push and refuses the second (Redis went away).
      const outcomes = [true, false];
      let closedPublisher = false;
      const publisher: FabricPublisher = {
        publish: async (event) => {
          order.push(`fabric ${event.data['notification'] as string}`);
          return outcomes.shift() ?? false;
        },
        close: async () => void (closedPublisher = true),
      };
      const app = createGatewayApp(config, {
        bus: bus.gateway,
        logger: silentLogger(),
        openDeviceHive: () => openTestDeviceHive('pglite'),
        openPushes: async () => publisher,
      });
      try {
        await app.listenHealth();
        await app.start();
        await bus.broker.start();
        const insert = (name: string) =>
          bus.broker.request(
            buildRequestEnvelope({
              principal: adminPrincipal(),
              request: {
                action: 'notification/insert',
                requestId: name,
                deviceId: SAMPLE_DEVICE_ID,
                notification: { notification: name },
              },
            }),
          );

        for (const name of ['first', 'second']) {
          expect((await insert(name)).reply).toMatchObject({ status: 'success' });
        }

        expect(order).toEqual(['fabric first', 'bus first', 'fabric second', 'bus second']);
        expect(published.map((p) => p.options)).toEqual([{ pushed: true }, { pushed: false }]);
      } finally {
        for (const step of app.shutdownSteps) await step.close();
        await bus.broker.close();
      }
      expect(closedPublisher).toBe(true);
    }, 60_000);
  });

  describe('when shutdown starts while the database is still unreachable', () => {
    it('stops retrying and rejects the start', async () => {
      const bus = createInProcessBus({ requestTimeoutMs: 5_000 });
      const app = createGatewayApp(config, {
        bus: bus.gateway,
        logger: silentLogger(),
        retry: { initialMs: 10_000, maxMs: 10_000 },
        openDeviceHive: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5')),
      });
      await app.listenHealth();
      const started = app.start();
      await new Promise((resolve) => setTimeout(resolve, 50));

      for (const step of app.shutdownSteps) await step.close();

      await expect(started).rejects.toThrow('shutdown started');
      await bus.broker.close();
    });
  });

  describe('when the core refuses to start for a reason waiting cannot fix', () => {
    it.each([
      ['the default admin password on a cluster database', new DefaultAdminPasswordError()],
      ['a data directory another process holds', new DataDirInUseError('/data', undefined)],
    ])('rejects the start at once on %s (no retry)', async (_, error) => {
      const bus = createInProcessBus({ requestTimeoutMs: 5_000 });
      let attempts = 0;
      const app = createGatewayApp(config, {
        bus: bus.gateway,
        logger: silentLogger(),
        retry: { initialMs: 10, maxMs: 10 },
        openDeviceHive: () => {
          attempts += 1;
          return Promise.reject(error);
        },
      });
      try {
        await app.listenHealth();
        await expect(app.start()).rejects.toBe(error);
        expect(attempts).toBe(1);
      } finally {
        for (const step of app.shutdownSteps) await step.close();
        await bus.broker.close();
      }
    });
  });

  describe('with DH_DEVICEHIVE_URL (a remote DeviceHive server)', () => {
    it('opens no database, runs actions on the server, and is ready while the server answers', async () => {
      let up = true;
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
        if (!up) return void res.writeHead(503).end();
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        // The event stream's login (docs/adr/0015) and what its first connection reads.
        if (req.url === '/auth/rest/token') {
          return void res.end(JSON.stringify({ accessToken: 'a.b.c', refreshToken: 'r' }));
        }
        res.end(JSON.stringify(req.url === '/api/rest/info' ? { apiVersion: '4.1.0' } : {}));
      });
      // The event stream's WebSocket: every request answered, subscriptions with an id.
      const wss = new WebSocketServer({ server });
      wss.on('connection', (socket) =>
        socket.on('message', (data) => {
          const request = JSON.parse(String(data)) as Record<string, unknown>;
          socket.send(
            JSON.stringify({
              action: request['action'],
              requestId: request['requestId'],
              status: 'success',
              subscriptionId: 1,
            }),
          );
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const remotePort = typeof address === 'object' && address ? address.port : 0;
      const remoteConfig = loadGatewayConfig({
        DH_HOST: '127.0.0.1',
        DH_HTTP_PORT: '0',
        DH_DEVICEHIVE_URL: `http://127.0.0.1:${remotePort}/api/rest`,
        DH_DEVICEHIVE_LOGIN: 'dhadmin',
        DH_DEVICEHIVE_PASSWORD: 'remote-Pa55',
      });
      const bus = createInProcessBus({ requestTimeoutMs: 5_000 });
      const app = createGatewayApp(remoteConfig, {
        bus: bus.gateway,
        logger: silentLogger(),
        openDeviceHive: () => Promise.reject(new Error('the database must not be opened')),
      });
      try {
        const port = await app.listenHealth();
        const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
        await app.start();
        await bus.broker.start();

        // Ready once the server answers and the event stream is connected (it starts in the
        // background).
        const until = Date.now() + 10_000;
        while ((await readyz()) !== 200 && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await readyz()).toBe(200);
        const reply = await bus.broker.request(
          buildRequestEnvelope({ request: { action: 'server/info', requestId: 1 } }),
        );
        expect(reply.reply).toMatchObject({ status: 'success', info: { apiVersion: '4.1.0' } });
        expect(seen).toContain('GET /api/rest/info -');
        expect(seen).toContain('POST /auth/rest/token -');
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toContain(
          'dh_remote_requests_total{action="server/info",status="200",app="gateway"}',
        );
        up = false;
        expect(await readyz()).toBe(503);
      } finally {
        for (const step of app.shutdownSteps) await step.close();
        await bus.broker.close();
        for (const socket of wss.clients) socket.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
