import { createServer, type Server, type Socket } from 'node:net';
import { RemoteHttpClient } from './remote-http-client';

const ANSWER =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}';

/**
 * A raw HTTP server that answers the first request of each connection and resets the connection
 * on its second request, unanswered: what a server closing an idle keep-alive socket looks like
 * when the client reuses it at that very moment.
 */
async function resettingServer(): Promise<{
  server: Server;
  port: number;
  requests: () => number;
}> {
  let requests = 0;
  const server = createServer((socket: Socket) => {
    let seen = 0;
    socket.on('data', (chunk) => {
      const count = chunk.toString('latin1').split('\r\n\r\n').length - 1;
      for (let i = 0; i < count; i++) {
        seen += 1;
        if (seen === 1) {
          requests += 1;
          socket.write(ANSWER);
        } else {
          socket.resetAndDestroy();
          return;
        }
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    requests: () => requests,
  };
}

describe(RemoteHttpClient.name, () => {
  it('sends a request again on a new socket when a kept-alive one was reset unanswered', async () => {
    const { server, port, requests } = await resettingServer();
    const client = new RemoteHttpClient({ timeoutMs: 2_000 });
    try {
      const url = `http://127.0.0.1:${port}/api/rest/info`;
      expect(await client.send({ method: 'GET', url })).toEqual({ status: 200, body: {} });
      expect(await client.send({ method: 'POST', url, body: { a: 1 } })).toEqual({
        status: 200,
        body: {},
      });
      expect(requests()).toBe(2);
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers 503 Service unavailable when a fresh connection is reset', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const client = new RemoteHttpClient({ timeoutMs: 2_000 });
    try {
      await expect(
        client.send({ method: 'GET', url: `http://127.0.0.1:${port}/x` }),
      ).rejects.toMatchObject({
        status: 503,
        message: 'Service unavailable',
        failure: 'unavailable',
      });
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
