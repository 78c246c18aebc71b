import WebSocket from 'ws';
import { ApiTestServer, SAMPLE_DEVICE } from './api-test-client';

jest.setTimeout(60_000);

/** docs/api/websocket.md over a real WebSocket against the embedded process. */
describe('the WebSocket API (/api/websocket)', () => {
  const server = new ApiTestServer();
  let token: string;

  beforeAll(async () => {
    await server.start();
    token = await server.login();
  });
  afterAll(() => server.stop());

  it('answers every action with its requestId, anonymous ones before authenticate', async () => {
    const ws = await server.websocket();
    expect(await ws.request({ action: 'server/info', requestId: { any: ['json'] } })).toMatchObject(
      {
        action: 'server/info',
        requestId: { any: ['json'] },
        status: 'success',
        info: { apiVersion: '4.1.0' },
      },
    );
    expect(
      await ws.request({ action: 'device/get', requestId: 7, deviceId: SAMPLE_DEVICE }),
    ).toEqual({
      action: 'device/get',
      requestId: 7,
      code: 401,
      status: 'error',
      error: 'Unauthorized',
    });
    expect(await ws.request({ action: 'authenticate', requestId: 8, token })).toEqual({
      action: 'authenticate',
      requestId: 8,
      status: 'success',
    });
    expect(
      await ws.request({ action: 'device/get', requestId: 9, deviceId: SAMPLE_DEVICE }),
    ).toMatchObject({
      status: 'success',
      device: { id: SAMPLE_DEVICE, name: 'Sample Device' },
    });
  });

  it('keeps the order of replies as requests were sent', async () => {
    const ws = await server.websocket();
    await ws.request({ action: 'authenticate', token });
    for (let i = 0; i < 20; i++)
      ws.send({ action: i % 2 ? 'server/info' : 'device/list', requestId: i });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await ws.next())['requestId']);
    expect(ids).toEqual([...Array(20).keys()]);
  });

  it.each([
    ['not JSON', '{"action":', { code: 400, status: 'error', error: 'Malformed Json received.' }],
    [
      'no action',
      '{"requestId":3}',
      { action: null, requestId: 3, code: 400, status: 'error', error: 'Malformed Json received.' },
    ],
    [
      'an unknown action',
      '{"action":"no/such","requestId":4}',
      {
        action: 'no/such',
        requestId: 4,
        code: 400,
        status: 'error',
        error: 'Illegal argument: no/such',
      },
    ],
  ])('answers a message with %s', async (_case, text, reply) => {
    const ws = await server.websocket();
    ws.send(text);
    expect(await ws.next()).toEqual(reply);
  });

  it('answers authenticate with a bad token 401 Invalid credentials', async () => {
    const ws = await server.websocket();
    expect(await ws.request({ action: 'authenticate', token: 'garbage' })).toMatchObject({
      code: 401,
      error: 'Invalid credentials',
    });
  });

  it('closes the socket on a frame larger than the limit (1009)', async () => {
    const ws = await server.websocket();
    ws.send(JSON.stringify({ action: 'server/info', pad: 'x'.repeat(300_000) }));
    await expect(ws.next(() => false, 5_000)).rejects.toThrow();
    expect(ws.closeCode).toBe(1009);
  });

  it('pushes notifications and commands to subscriptions with their subscriptionId', async () => {
    const ws = await server.websocket();
    await ws.request({ action: 'authenticate', token });
    const notifications = await ws.request({
      action: 'notification/subscribe',
      deviceId: SAMPLE_DEVICE,
      names: ['ws-n'],
    });
    const commands = await ws.request({
      action: 'command/subscribe',
      deviceId: SAMPLE_DEVICE,
      names: ['ws-c'],
    });
    const other = await server.websocket();
    await other.request({ action: 'authenticate', token });
    await other.request({
      action: 'notification/insert',
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'ws-n', parameters: { v: 1 } },
    });
    await other.request({
      action: 'command/insert',
      deviceId: SAMPLE_DEVICE,
      command: { command: 'ws-c' },
    });
    expect(await ws.next((m) => m['action'] === 'notification/insert')).toEqual({
      action: 'notification/insert',
      notification: expect.objectContaining({ notification: 'ws-n', parameters: { v: 1 } }),
      subscriptionId: notifications['subscriptionId'],
    });
    expect(await ws.next((m) => m['action'] === 'command/insert')).toEqual({
      action: 'command/insert',
      command: expect.objectContaining({ command: 'ws-c', deviceId: SAMPLE_DEVICE }),
      subscriptionId: commands['subscriptionId'],
    });
    expect(await ws.request({ action: 'subscription/list' })).toMatchObject({
      subscriptions: [
        { subscriptionId: notifications['subscriptionId'], type: 'notification' },
        { subscriptionId: commands['subscriptionId'], type: 'command' },
      ],
    });
    expect(
      await ws.request({
        action: 'notification/unsubscribe',
        subscriptionId: notifications['subscriptionId'],
      }),
    ).toMatchObject({ status: 'success' });
    await other.request({
      action: 'notification/insert',
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'ws-n' },
    });
    await expect(ws.next((m) => m['action'] === 'notification/insert', 1_000)).rejects.toThrow();
  });

  it('pushes command/update to the connection that inserted the command', async () => {
    const origin = await server.websocket();
    await origin.request({ action: 'authenticate', token });
    const inserted = await origin.request({
      action: 'command/insert',
      deviceId: SAMPLE_DEVICE,
      command: { command: 'ws-update' },
    });
    const id = (inserted['command'] as { id: number }).id;
    const device = await server.websocket();
    await device.request({ action: 'authenticate', token });
    await device.request({
      action: 'command/update',
      deviceId: SAMPLE_DEVICE,
      commandId: id,
      command: { status: 'ok', result: { r: 2 } },
    });
    expect(await origin.next((m) => m['action'] === 'command/update')).toEqual({
      action: 'command/update',
      command: expect.objectContaining({ id, status: 'ok', result: { r: 2 } }),
    });
    await expect(
      device.next((m) => m['action'] === 'command/update' && !('status' in m), 1_000),
    ).rejects.toThrow();
  });

  it('refuses an upgrade on another path (404)', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.app.ports.api}/api/other`);
    const status = await new Promise<number | undefined>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      socket.once('open', () => resolve(undefined));
      socket.once('error', () => undefined);
    });
    socket.terminate();
    expect(status).toBe(404);
  });
});
