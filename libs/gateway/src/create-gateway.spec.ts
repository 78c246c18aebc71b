import { createInProcessBus, type InProcessBus } from '@dh-mqtt/bus';
import { buildDeviceEvent, buildRequestEnvelope } from '@dh-mqtt/bus/testing';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import { createGateway, type Gateway } from './create-gateway';
import { buildPrincipal, FakeDeviceHive, RecordingLogger } from './testing';

describe(createGateway.name, () => {
  let bus: InProcessBus;
  let deviceHive: FakeDeviceHive;
  let gateway: Gateway | undefined;

  beforeEach(async () => {
    bus = createInProcessBus();
    deviceHive = new FakeDeviceHive();
    await bus.broker.start();
  });

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await bus.broker.close();
  });

  async function start(overrides: Partial<Parameters<typeof createGateway>[0]> = {}) {
    gateway = await createGateway({
      bus: bus.gateway,
      deviceHive,
      logger: new RecordingLogger(),
      nestLogLevels: false,
      ...overrides,
    });
  }

  describe('when a broker sends a request over the bus', () => {
    it('answers it through the NestJS microservice and the DeviceHive port', async () => {
      deviceHive.on('server/info', { body: { info: { apiVersion: '3.5.0' } } });
      await start();
      const sent = buildRequestEnvelope({
        clientId: 'c1',
        request: { action: 'server/info', requestId: 'r1' },
      });

      const reply = await bus.broker.request(sent);

      expect(reply).toMatchObject({
        id: sent.id,
        clientId: 'c1',
        reply: {
          action: 'server/info',
          requestId: 'r1',
          status: 'success',
          info: { apiVersion: '3.5.0' },
        },
      });
      expect(deviceHive.calls.map((c) => c.action)).toEqual(['server/info']);
    });

    it('delivers the events of an action to the broker before the reply', async () => {
      const order: string[] = [];
      bus.broker.onEvent((event: DeviceEvent) => {
        order.push(`event ${event.name}`);
      });
      deviceHive.on('notification/insert', {
        body: { notification: { id: 1 } },
        events: [buildDeviceEvent({ name: 'temperature' })],
      });
      await start();

      await bus.broker
        .request(
          buildRequestEnvelope({
            principal: buildPrincipal(),
            request: {
              action: 'notification/insert',
              deviceId: 'd1',
              notification: { notification: 'temperature', parameters: { value: 21 } },
            },
          }),
        )
        .then(() => order.push('reply'));

      expect(order).toEqual(['event temperature', 'reply']);
    });

    it('uses a gateway-side handler when one is registered for the action', async () => {
      await start({
        handlers: { 'cluster/info': { handle: async () => ({ body: { clusterInfo: {} } }) } },
      });

      const reply = await bus.broker.request(
        buildRequestEnvelope({ request: { action: 'cluster/info' } }),
      );

      expect(reply.reply).toMatchObject({ status: 'success', clusterInfo: {} });
      expect(deviceHive.calls).toEqual([]);
    });
  });

  describe('when the gateway is closed', () => {
    it('stops serving the bus and leaves the DeviceHive port open', async () => {
      await start();

      await gateway?.close();

      await expect(bus.broker.request(buildRequestEnvelope())).rejects.toMatchObject({
        code: 'DH_ERR_BACKEND_UNAVAILABLE',
      });
      expect(deviceHive.closed).toBe(false);
    });
  });
});
