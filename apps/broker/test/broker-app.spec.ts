import { FakeBrokerBus, Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import { loadBrokerConfig, silentLogger } from '@dh-mqtt/runtime';
import { startBrokerApp } from '../src/broker-app';

describe(startBrokerApp.name, () => {
  let app: Awaited<ReturnType<typeof startBrokerApp>>;
  let bus: FakeBrokerBus;

  beforeEach(async () => {
    bus = new FakeBrokerBus();
    const config = loadBrokerConfig({
      DH_HOST: '127.0.0.1',
      DH_MQTT_PORT: '0',
      DH_WS_PORT: '0',
      DH_HTTP_PORT: '0',
    });
    app = await startBrokerApp(config, { bus, logger: silentLogger() });
  });

  afterEach(async () => {
    for (const step of app.shutdownSteps) await step.close();
  });

  it('starts the bus and answers requests over TCP through it', async () => {
    expect(bus.state).toBe('started');
    const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'pod-client');
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/#', { qos: 1 });
    await client.publishAsync('dh/request', '{"action":"server/info","requestId":5}', { qos: 1 });
    expect((await inbox.next()).payload).toMatchObject({ requestId: 5, status: 'success' });
    await client.endAsync(true);
  });

  it('turns /readyz to 503 on shutdown and closes the bus', async () => {
    const readyz = `http://127.0.0.1:${app.ports.http}/readyz`;
    expect((await fetch(readyz)).status).toBe(200);
    await app.shutdownSteps[0].close();
    expect((await fetch(readyz)).status).toBe(503);
    for (const step of app.shutdownSteps.slice(1)) await step.close();
    expect(bus.state).toBe('closed');
  });
});

describe('broker pod shutdown', () => {
  describe('when a request is in flight as SIGTERM arrives', () => {
    it('stops accepting, lets the reply reach the client, then disconnects it', async () => {
      const bus = new FakeBrokerBus();
      let release: () => void = () => undefined;
      const answered = bus.handler;
      bus.handler = (envelope) =>
        new Promise((resolve) => {
          release = () => resolve(answered(envelope));
        });
      const config = loadBrokerConfig({
        DH_HOST: '127.0.0.1',
        DH_MQTT_PORT: '0',
        DH_WS_PORT: '0',
        DH_HTTP_PORT: '0',
      });
      const app = await startBrokerApp(config, { bus, logger: silentLogger() });
      const client = await connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'draining-client');
      const inbox = new Inbox(client);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"server/info","requestId":9}', { qos: 1 });
      await new Promise((resolve) => setTimeout(resolve, 50));

      const shutdown = (async () => {
        for (const step of app.shutdownSteps) await step.close();
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = connectMqtt(`mqtt://127.0.0.1:${app.ports.mqtt}`, 'late-client');
      await expect(refused).rejects.toThrow();
      release();

      expect((await inbox.next()).payload).toMatchObject({ requestId: 9, status: 'success' });
      await closed;
      await shutdown;
      expect(bus.state).toBe('closed');
    });
  });
});
