import { DhError, errorReplyFrom, type Principal } from '@dh-mqtt/protocol';
import { connectMqtt, replyTo, startTestBroker, type TestBroker, Inbox } from '../testing';
import { createConnectHooks } from './authenticate';

const principal: Principal = {
  userId: 7,
  login: 'alice',
  role: 1,
  permissions: ['GetDeviceNotification'],
  networkIds: [1],
  deviceTypeIds: '*',
  userNetworkIds: [1],
  userDeviceTypeIds: '*',
};

describe(createConnectHooks.name, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker({ connectTimeoutMs: 300 });
  });

  afterEach(async () => {
    await t.close();
  });

  function gatewayAnswers(token: 'ok' | DhError) {
    t.bus.handler = async (envelope) => {
      const { action, requestId } = envelope.request;
      if (action === 'token') {
        return token === 'ok'
          ? replyTo(envelope, { accessToken: 'a', refreshToken: 'r' })
          : { ...replyTo(envelope), reply: errorReplyFrom(action, requestId, token) };
      }
      return { ...replyTo(envelope), effect: { kind: 'authenticate', principal } };
    };
  }

  describe('when the credentials are good', () => {
    it('logs in with token then authenticate and keeps the principal for later requests', async () => {
      gatewayAnswers('ok');
      const client = await t.connect('alice-1', { username: 'alice', password: 'pw' });
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"user/getCurrent"}', { qos: 1 });
      await inbox.next();

      expect(t.bus.requests.map((r) => r.request)).toEqual([
        { action: 'token', login: 'alice', password: 'pw' },
        { action: 'authenticate', token: 'a' },
        { action: 'user/getCurrent' },
      ]);
      expect(t.bus.requests[2].principal).toEqual(principal);
    });
  });

  describe('when the login fails', () => {
    it.each([
      ['bad credentials', 4, new DhError('USER_LOGIN_NOT_FOUND', 'alice')],
      ['a locked user', 5, new DhError('USER_NOT_ACTIVE')],
      ['a backend failure', 3, new DhError('DH_ERR_INTERNAL')],
    ])('refuses %s with CONNACK %d', async (_, code, error) => {
      gatewayAnswers(error);
      await expect(
        connectMqtt(t.url, 'alice-2', { username: 'alice', password: 'pw' }),
      ).rejects.toMatchObject({ code });
    });

    it('refuses with CONNACK 3 within the connect timeout when the gateway is silent', async () => {
      t.bus.handler = () => new Promise(() => undefined);
      const started = Date.now();
      await expect(
        connectMqtt(t.url, 'alice-3', { username: 'alice', password: 'pw' }),
      ).rejects.toMatchObject({ code: 3 });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  describe('when DH_ALLOW_ANONYMOUS is off', () => {
    it('refuses a CONNECT without credentials with CONNACK 5 and still logs users in', async () => {
      await t.close();
      t = await startTestBroker({ allowAnonymous: false });
      await expect(connectMqtt(t.url, 'anon-1')).rejects.toMatchObject({ code: 5 });
      expect(t.bus.requests).toEqual([]);

      gatewayAnswers('ok');
      const client = await t.connect('alice-4', { username: 'alice', password: 'pw' });
      expect(client.connected).toBe(true);
    });
  });

  describe('when DH_ALLOW_ANONYMOUS is on (the default)', () => {
    it('lets a CONNECT without credentials in without asking the gateway', async () => {
      const client = await t.connect('anon-2');
      expect(client.connected).toBe(true);
      expect(t.bus.requests).toEqual([]);
    });
  });
});
