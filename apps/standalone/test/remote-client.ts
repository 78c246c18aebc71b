import { connectMqtt } from '@dh-mqtt/broker/testing';
import type { IClientOptions, MqttClient } from 'mqtt';

export type Message = { topic: string; payload: Record<string, unknown> };

/** An MQTT client of the remote-backend suites: requests by `requestId`, pushes kept in order. */
export class MqttTestSession {
  readonly received: Message[] = [];
  private waiters: Array<() => void> = [];
  private counter = 0;

  private constructor(
    readonly client: MqttClient,
    readonly clientId: string,
  ) {
    client.on('message', (topic, payload) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
      } catch {
        parsed = { text: payload.toString('utf8') };
      }
      this.received.push({ topic, payload: parsed });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects (with a login when `options` has username/password) and listens to its replies. */
  static async open(
    url: string,
    clientId: string,
    options: IClientOptions = {},
  ): Promise<MqttTestSession> {
    const client = await connectMqtt(url, clientId, options);
    await client.subscribeAsync(`dh/response/#`, { qos: 1 });
    return new MqttTestSession(client, clientId);
  }

  /** Sends a request; resolves with its reply (any status). */
  async ask(request: Record<string, unknown>, withinMs = 15_000): Promise<Record<string, unknown>> {
    const requestId = `${this.clientId}-${++this.counter}`;
    await this.client.publishAsync('dh/request', JSON.stringify({ ...request, requestId }), {
      qos: 1,
    });
    const reply = await this.next((m) => m.payload['requestId'] === requestId, withinMs);
    return reply.payload;
  }

  /** Like {@link ask}, and fails unless the reply is a success. */
  async ok(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.ask(request);
    if (reply['status'] !== 'success') {
      throw new Error(`${String(request['action'])} failed: ${JSON.stringify(reply)}`);
    }
    return reply;
  }

  /** The first message (received or to come) that matches, removed from the queue. */
  async next(matches: (message: Message) => boolean, withinMs = 10_000): Promise<Message> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const index = this.received.findIndex(matches);
      if (index >= 0) return this.received.splice(index, 1)[0] as Message;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${withinMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
