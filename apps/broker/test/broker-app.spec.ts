import { FakeBrokerBus, Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import { loadBrokerConfig, silentLogger } from '@dh-mqtt/runtime';
import { startBrokerApp, type BrokerApp } from '../src/broker-app';

describe(startBrokerApp.name, () => {
  let app: BrokerApp;
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
