import { Inbox, connectMqtt } from '@dh-mqtt/broker/testing';
import { ApiTestServer, SAMPLE_DEVICE } from './api-test-client';

// docs/operations.md, "Shutdown": a QoS 1 request is acknowledged as soon as the broker queues it
// behind its client's earlier requests, so a shutdown must answer every request it has taken, not
// only those already on the bus.

jest.setTimeout(60_000);

const REQUESTS = 40;

describe.each(['worker', 'main'] as const)('shutdown with DH_GATEWAY_THREAD=%s', (thread) => {
  const server = new ApiTestServer();

  afterAll(async () => {
    await server.stop();
  });

  it(`answers all ${REQUESTS} acknowledged requests of a client before it closes`, async () => {
    await server.start({ DH_GATEWAY_THREAD: thread, DH_REQUEST_RATE: '0' });
    const client = await connectMqtt(`mqtt://127.0.0.1:${server.app.ports.mqtt}`, 'shutdown-1', {
      username: 'dhadmin',
      password: 'dhadmin_#911',
    });
    const inbox = new Inbox(client);
    await client.subscribeAsync('dh/response/notification/insert@shutdown-1', { qos: 1 });

    // Every request acknowledged (PUBACK) before the shutdown starts; most still queued.
    await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        client.publishAsync(
          'dh/request',
          JSON.stringify({
            action: 'notification/insert',
            requestId: i,
            deviceId: SAMPLE_DEVICE,
            notification: { notification: 'shutdown', parameters: { i } },
          }),
          { qos: 1 },
        ),
      ),
    );
    const closing = server.app.close();
    const replies = new Set<number>();
    try {
      while (replies.size < REQUESTS) {
        const reply = (await inbox.next(10_000)).payload as { requestId: number; status: string };
        expect(reply.status).toBe('success');
        replies.add(reply.requestId);
      }
    } finally {
      await closing;
      client.end(true);
    }
    expect(replies.size).toBe(REQUESTS);
  });
});
