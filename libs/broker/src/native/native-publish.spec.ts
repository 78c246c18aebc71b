import type { RequestEnvelope } from '@dh-mqtt/bus';
import { errorReplyFrom, DhError, type Principal } from '@dh-mqtt/protocol';
import type { MqttClient } from 'mqtt';
import { Inbox, connectMqtt, replyTo, startTestBroker, type TestBroker } from '../testing';
import { TOPIC_MISMATCH_TEXT, handleNativePublish } from './native-publish';

/** A device token: may insert and update on networks 1 and 3, without GetDevice. */
const device: Principal = {
  userId: 7,
  login: 'device-user',
  role: 1,
  permissions: ['CreateDeviceNotification', 'UpdateDeviceCommand', 'CreateDeviceCommand'],
  networkIds: [1, 3],
  deviceTypeIds: '*',
  userNetworkIds: [1, 3],
  userDeviceTypeIds: '*',
};

/** Devices the fake core knows: id → network and device type. */
const DEVICES = new Map([['dev-1', { networkId: 1, deviceTypeId: 2 }]]);

async function eventually(check: () => void, withinMs = 3_000): Promise<void> {
  for (const until = Date.now() + withinMs; ;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

describe(handleNativePublish.name, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker();
    t.bus.handler = async (envelope: RequestEnvelope) => {
      const { action, requestId } = envelope.request;
      if (action === 'token') return replyTo(envelope, { accessToken: 'a', refreshToken: 'r' });
      if (action === 'authenticate') {
        return { ...replyTo(envelope), effect: { kind: 'authenticate', principal: device } };
      }
      if (action === 'device/get') {
        const id = String(envelope.request['deviceId']);
        const found = DEVICES.get(id);
        return found
          ? replyTo(envelope, { device: { id, name: id, data: null, ...found, isBlocked: false } })
          : {
              ...replyTo(envelope),
              reply: errorReplyFrom(action, requestId, new DhError('DEVICE_NOT_FOUND', id)),
            };
      }
      return replyTo(envelope, { inserted: true });
    };
  });

  afterEach(async () => {
    await t.close();
  });

  async function deviceClient(clientId: string): Promise<{ client: MqttClient; inbox: Inbox }> {
    const client = await t.connect(clientId, { username: 'device-user', password: 'pw' });
    const inbox = new Inbox(client);
    await client.subscribeAsync(`dh/response/#`, { qos: 1 });
    return { client, inbox };
  }

  /** The requests after the CONNECT login. */
  const sent = () => t.bus.requests.slice(2);

  describe('when an authenticated device publishes a notification on its own topic', () => {
    it('runs notification/insert as that principal and answers with requestId null', async () => {
      const { client, inbox } = await deviceClient('d1');
      await client.publishAsync('dh/notification/1/2/dev-1/temp', '{"parameters":{"t":21}}', {
        qos: 1,
      });

      expect(await inbox.next()).toEqual({
        topic: 'dh/response/notification/insert@d1',
        qos: 1,
        payload: {
          action: 'notification/insert',
          requestId: null,
          status: 'success',
          inserted: true,
        },
      });
      const insert = sent().find((r) => r.request.action === 'notification/insert');
      expect(insert).toMatchObject({
        clientId: 'd1',
        principal: device,
        request: {
          action: 'notification/insert',
          deviceId: 'dev-1',
          notification: { notification: 'temp', parameters: { t: 21 } },
        },
      });
      // The device check ran within the device's own scope, with GetDevice added only for it.
      expect(sent()[0]).toMatchObject({
        request: { action: 'device/get', deviceId: 'dev-1' },
        principal: { networkIds: [1, 3], permissions: expect.arrayContaining(['GetDevice']) },
      });
    });

    it('routes the raw publish to nobody, not even a # listener', async () => {
      const spy = await t.connect('spy');
      const spyInbox = new Inbox(spy);
      await spy.subscribeAsync('#', { qos: 1 });
      const { client, inbox } = await deviceClient('d2');
      await client.publishAsync('dh/notification/1/2/dev-1/temp', '{}', { qos: 1 });
      await inbox.next();
      await client.publishAsync('plain/marker', 'm', { qos: 1 });
      expect((await spyInbox.next()).topic).toBe('plain/marker');
      expect(await spyInbox.quietFor(100)).toEqual([]);
    });
  });

  describe('when it publishes a command or a command update', () => {
    it.each([
      [
        'dh/command/1/2/dev-1/light',
        { parameters: { on: 1 } },
        { action: 'command/insert', command: { command: 'light', parameters: { on: 1 } } },
      ],
      [
        'dh/command_update/1/2/dev-1/light',
        { id: 5, status: 'ok', result: { r: 1 } },
        { action: 'command/update', commandId: 5, command: { status: 'ok', result: { r: 1 } } },
      ],
    ])('turns %s into the matching action', async (topic, payload, request) => {
      const { client, inbox } = await deviceClient('d3');
      await client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
      expect((await inbox.next()).payload).toMatchObject({
        action: request.action,
        requestId: null,
        status: 'success',
      });
      expect(sent().at(-1)?.request).toEqual({ deviceId: 'dev-1', ...request });
    });
  });

  describe('when the topic levels are not the device’s', () => {
    it.each([
      ['a wrong device type', 'dh/notification/1/3/dev-1/temp'],
      ['a wrong network the principal may see', 'dh/notification/3/2/dev-1/temp'],
    ])('answers 400 for %s and inserts nothing', async (_, topic) => {
      const { client, inbox } = await deviceClient('d4');
      await client.publishAsync(topic, '{}', { qos: 1 });
      expect((await inbox.next()).payload).toEqual({
        action: 'notification/insert',
        requestId: null,
        code: 400,
        status: 'error',
        error: TOPIC_MISMATCH_TEXT,
      });
      expect(sent().map((r) => r.request.action)).toEqual(['device/get']);
    });

    it('answers 403 without asking the backend when the network is outside the scope', async () => {
      const { client, inbox } = await deviceClient('d5');
      await client.publishAsync('dh/notification/2/2/dev-1/temp', '{}', { qos: 1 });
      expect((await inbox.next()).payload).toMatchObject({ code: 403, error: 'Access is denied' });
      expect(sent()).toEqual([]);
    });

    it('answers the lookup error under the action name when the device is unknown', async () => {
      const { client, inbox } = await deviceClient('d6');
      await client.publishAsync('dh/command/1/2/nobody/light', '{}', { qos: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: 'dh/response/command/insert@d6',
        payload: {
          action: 'command/insert',
          requestId: null,
          code: 404,
          error: 'Device with such deviceId = nobody not found',
        },
      });
    });
  });

  describe('when a device publishes a stream on its own topic', () => {
    it('looks the device up once and inserts every publish', async () => {
      const { client, inbox } = await deviceClient('d10');
      for (let n = 0; n < 3; n++) {
        await client.publishAsync('dh/notification/1/2/dev-1/temp', `{"parameters":{"n":${n}}}`, {
          qos: 1,
        });
      }
      for (let n = 0; n < 3; n++) {
        expect((await inbox.next()).payload).toMatchObject({ status: 'success' });
      }
      expect(sent().map((r) => r.request.action)).toEqual([
        'device/get',
        'notification/insert',
        'notification/insert',
        'notification/insert',
      ]);
    });

    it('still looks up every publish whose levels did not match', async () => {
      const { client, inbox } = await deviceClient('d11');
      await client.publishAsync('dh/notification/1/2/dev-1/temp', '{}', { qos: 1 });
      await client.publishAsync('dh/notification/1/3/dev-1/temp', '{}', { qos: 1 });
      await client.publishAsync('dh/notification/1/3/dev-1/temp', '{}', { qos: 1 });

      expect((await inbox.next()).payload).toMatchObject({ status: 'success' });
      expect((await inbox.next()).payload).toMatchObject({ code: 400, error: TOPIC_MISMATCH_TEXT });
      expect((await inbox.next()).payload).toMatchObject({ code: 400, error: TOPIC_MISMATCH_TEXT });
      expect(sent().map((r) => r.request.action)).toEqual([
        'device/get',
        'notification/insert',
        'device/get',
        'device/get',
      ]);
    });
  });

  describe('when the payload is not a JSON object', () => {
    it('answers 400 Malformed Json on the action’s response topic', async () => {
      const { client, inbox } = await deviceClient('d7');
      await client.publishAsync('dh/command_update/1/2/dev-1/light', 'not json', { qos: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: 'dh/response/command/update@d7',
        payload: { code: 400, error: 'Malformed Json received.', requestId: null },
      });
      expect(sent()).toEqual([]);
    });
  });

  describe('when requests and native publishes interleave', () => {
    it('answers them in publish order', async () => {
      const { client, inbox } = await deviceClient('d8');
      void client.publish('dh/request', '{"action":"server/info","requestId":1}', { qos: 1 });
      void client.publish('dh/notification/1/2/dev-1/a', '{}', { qos: 0 });
      void client.publish('dh/request', '{"action":"server/info","requestId":2}', { qos: 1 });
      const topics = [];
      for (let n = 0; n < 3; n++) topics.push((await inbox.next()).topic);
      expect(topics).toEqual([
        'dh/response/server/info@d8',
        'dh/response/notification/insert@d8',
        'dh/response/server/info@d8',
      ]);
    });
  });

  describe('when a client with a last will on a native topic vanishes', () => {
    it('runs the will as that client with the principal its session had', async () => {
      const doomed = await connectMqtt(t.url, 'doomed', {
        username: 'device-user',
        password: 'pw',
        will: {
          topic: 'dh/notification/1/2/dev-1/offline',
          payload: Buffer.from('{"parameters":{"reason":"lost"}}'),
          qos: 1,
          retain: false,
        },
      });
      doomed.stream.destroy();
      await eventually(() =>
        expect(sent().find((r) => r.request.action === 'notification/insert')).toMatchObject({
          clientId: 'doomed',
          principal: device,
          request: { notification: { notification: 'offline', parameters: { reason: 'lost' } } },
        }),
      );
      await doomed.endAsync(true);
    });
  });

  describe('when an anonymous client publishes natively', () => {
    it('answers 401 and never calls the backend', async () => {
      const anon = await t.connect('anon');
      const inbox = new Inbox(anon);
      await anon.subscribeAsync('dh/response/#', { qos: 1 });
      await anon.publishAsync('dh/command/1/2/dev-1/light', '{}', { qos: 1 });
      expect((await inbox.next()).payload).toMatchObject({
        action: 'command/insert',
        code: 401,
        error: 'Unauthorized',
      });
      expect(t.bus.requests).toEqual([]);
    });
  });
});
