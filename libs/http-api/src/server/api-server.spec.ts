import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { successReply, type RequestMessage } from '@dh-mqtt/protocol';
import { silentLogger } from '@dh-mqtt/runtime';
import { createApiServer, type ApiServer } from './api-server';

/** A face that answers every action with success and has no events. */
const face = {
  handleFaceRequest: async (_session: unknown, request: RequestMessage) =>
    successReply(request.action, request.requestId, { info: { apiVersion: '4.1.0' } }),
  onDeviceEvent: async () => async () => undefined,
};

describe(createApiServer.name, () => {
  let api: ApiServer;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = createApiServer({
      face,
      logger: silentLogger(),
      maxRequestSize: 1024,
      timeouts: { headers: 500, request: 1_000, keepAlive: 300, check: 100 },
    });
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    port = (api.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    api.closeConnections();
    await new Promise((resolve) => api.server.close(resolve));
  });

  /** Opens a raw TCP connection and resolves when the server ends it, with what it sent. */
  function rawConnection(write: (socket: Socket) => void): Promise<{ text: string; ms: number }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => write(socket));
      sockets.push(socket);
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    });
  }

  it('closes a connection whose headers never finish (slow loris)', async () => {
    const { ms } = await rawConnection((socket) =>
      socket.write('GET /api/rest/info HTTP/1.1\r\nHost: x\r\n'),
    );
    expect(ms).toBeLessThan(5_000);
  });

  it('closes a connection whose body never finishes', async () => {
    const { ms } = await rawConnection((socket) =>
      socket.write('POST /api/rest/network HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na'),
    );
    expect(ms).toBeLessThan(5_000);
  });

  it('refuses a declared body over the limit with 413 before reading it, and closes', async () => {
    const { text } = await rawConnection((socket) =>
      socket.write('POST /api/rest/network HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\n'),
    );
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toContain(
      '{"error":413,"message":"Request is too large: 999999 bytes, the limit is 1024"}',
    );
  });

  it('answers garbage instead of HTTP with 400 and closes', async () => {
    const { text } = await rawConnection((socket) => socket.write('\u0000\u0001 garbage\r\n\r\n'));
    expect(text).toMatch(/^HTTP\/1\.1 400/);
  });

  it('closes an idle keep-alive connection', async () => {
    const { text, ms } = await rawConnection((socket) =>
      socket.write('GET /api/rest/info HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(5_000);
  });

  it('sets TCP_NODELAY on every accepted socket', async () => {
    const noDelay: boolean[] = [];
    const spy = (socket: Socket) => {
      const original = socket.setNoDelay.bind(socket);
      socket.setNoDelay = (on?: boolean) => (noDelay.push(on !== false), original(on));
    };
    api.server.prependListener('connection', spy);
    await fetch(`http://127.0.0.1:${port}/api/rest/info`);
    api.server.off('connection', spy);
    expect(noDelay).toContain(true);
  });

  it('answers a CORS preflight and allows any origin on every response', async () => {
    const preflight = await fetch(`http://127.0.0.1:${port}/api/rest/device`, {
      method: 'OPTIONS',
      headers: { origin: 'http://console.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const info = await fetch(`http://127.0.0.1:${port}/api/rest/info`);
    expect(info.headers.get('access-control-allow-origin')).toBe('*');
  });
});
