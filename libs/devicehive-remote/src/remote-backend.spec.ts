import { adminPrincipal } from '@dh-mqtt/devicehive/testing';
import type { DeviceEvent } from '@dh-mqtt/protocol';
import type {
  RemoteEventStream,
  RemoteEventStreamOptions,
} from './events/remote-event-stream.port';
import { openRemoteBackend } from './remote-backend';
import { RecordingServer } from './testing';

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A stream double: the test drives `onEvent` and the connection state. */
class StreamDouble implements RemoteEventStream {
  options!: RemoteEventStreamOptions;
  connected = false;
  closed = false;
  start = jest.fn(async () => {
    this.connected = true;
  });
  isConnected() {
    return this.connected;
  }
  lastEventAt() {
    return null;
  }
  async close() {
    this.closed = true;
  }
}

function commandUpdate(id: number): DeviceEvent {
  return {
    kind: 'command/update',
    deviceId: 'd1',
    networkId: 1,
    deviceTypeId: 1,
    name: 'on',
    data: { id, command: 'on', status: 'done' },
    originClientId: null,
  };
}

describe(openRemoteBackend.name, () => {
  const server = new RecordingServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('starts the event stream once, publishes its events as they come, and closes it', async () => {
    server.handler = (r) =>
      r.url === '/api/rest/info'
        ? { status: 200, body: {} }
        : { status: 201, body: { id: 41, timestamp: 't', userId: 1 } };
    const stream = new StreamDouble();
    const published: DeviceEvent[] = [];
    const backend = openRemoteBackend({
      endpoints: { restUrl: server.restUrl, authUrl: server.authUrl, wsUrl: 'ws://unused' },
      credentials: { login: 'dhadmin', password: 'p' },
      timeoutMs: 1_000,
      logger,
      publishEvent: async (event) => void published.push(event),
      eventStreamFactory: (options) => Object.assign(stream, { options }),
    });

    expect(stream.start).not.toHaveBeenCalled();
    backend.start();
    backend.start();
    expect(stream.start).toHaveBeenCalledTimes(1);
    expect(stream.options.credentials).toEqual({ login: 'dhadmin', password: 'p' });
    await backend.deviceHive.execute(
      'command/insert',
      { deviceId: 'd1', command: { command: 'on' } },
      { principal: adminPrincipal({ accessToken: 'a.b.c' }), clientId: 'mqtt-client-7' },
    );
    await stream.options.onEvent(commandUpdate(41));
    await stream.options.onEvent(commandUpdate(99));

    // The origin of a command update is the broker's to find (docs/adr/0015): events pass as they are.
    expect(published).toEqual([commandUpdate(41), commandUpdate(99)]);
    expect(await backend.ready()).toBe(true);
    stream.connected = false;
    expect(await backend.ready()).toBe(false);
    await backend.close();
    expect(stream.closed).toBe(true);
  });

  it('is not ready while the server does not answer GET /info', async () => {
    server.handler = () => ({ status: 503 });
    // The event stream connected: readiness then follows GET /info alone.
    const stream = new StreamDouble();
    stream.connected = true;
    const backend = openRemoteBackend({
      endpoints: { restUrl: server.restUrl, authUrl: server.authUrl, wsUrl: 'ws://unused' },
      credentials: { refreshToken: 'r' },
      timeoutMs: 1_000,
      logger,
      publishEvent: async () => undefined,
      eventStreamFactory: () => stream,
    });
    expect(backend.events).toBe(stream);
    expect(await backend.ready()).toBe(false);
    server.handler = () => ({ status: 200, body: {} });
    expect(await backend.ready()).toBe(true);
    await backend.close();
  });
});
