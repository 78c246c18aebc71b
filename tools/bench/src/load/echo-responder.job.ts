import type { MqttClient } from 'mqtt';
import type { EchoResponderJob } from './load.types';
import { connectClient, endAll } from './mqtt-client';
import { ECHO_REPLY_PREFIX, ECHO_REQUEST_PREFIX } from './request.job';

/**
 * The far end of the raw MQTT round trip: one client that republishes every request, unparsed,
 * to the requester's reply topic. The floor a DeviceHive request through a broker cannot beat.
 */
export class EchoResponder {
  private client: MqttClient | undefined;

  constructor(private readonly job: EchoResponderJob) {}

  async setup(): Promise<void> {
    const client = await connectClient(this.job.url, `bench-echo-responder-${process.pid}`);
    await client.subscribeAsync(`${ECHO_REQUEST_PREFIX}+`, { qos: 0 });
    client.on('message', (topic, payload) => {
      const requester = topic.slice(ECHO_REQUEST_PREFIX.length);
      client.publish(`${ECHO_REPLY_PREFIX}${requester}`, payload, { qos: 0 });
    });
    this.client = client;
  }

  async close(): Promise<void> {
    if (this.client) await endAll([this.client]);
  }
}
