import { Registry } from 'prom-client';
import {
  Inbox,
  acceptLogins,
  buildPrincipal,
  grantedQos,
  replyTo,
  startTestBroker,
  type TestBroker,
} from '../testing';
import { BrokerLimits } from './broker-limits';
import { limitHits } from '../testing/limits.fixtures';

describe(`${BrokerLimits.name} on requests and subscriptions`, () => {
  let t: TestBroker;
  let registry: Registry;

  async function start(settings: Parameters<typeof startTestBroker>[0]): Promise<void> {
    registry = new Registry();
    t = await startTestBroker(settings, undefined, { metrics: registry });
    acceptLogins(t.bus, new Map([['admin', buildPrincipal()]]));
  }

  afterEach(async () => {
    await t.close();
  });

  describe('when a client sends requests faster than DH_REQUEST_RATE allows', () => {
    beforeEach(() => start({ requestRate: 1, requestBurst: 3 }));

    it('answers the burst, then 429 Too many requests, and keeps the connection', async () => {
      const client = await t.connect('fast');
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      for (let n = 1; n <= 5; n++) {
        await client.publishAsync('dh/request', `{"action":"server/info","requestId":${n}}`, {
          qos: 1,
        });
      }
      const replies: unknown[] = [];
      for (let n = 0; n < 5; n++) replies.push((await inbox.next()).payload);
      const byStatus = (status: string) =>
        replies.filter((reply) => (reply as { status: string }).status === status);
      expect(byStatus('success')).toHaveLength(3);
      expect(byStatus('error')).toEqual([
        expect.objectContaining({ code: 429, error: 'Too many requests', action: 'server/info' }),
        expect.objectContaining({ code: 429, error: 'Too many requests', action: 'server/info' }),
      ]);
      expect(t.bus.requests).toHaveLength(3);
      expect(client.connected).toBe(true);
      expect(await limitHits(registry, 'request_rate')).toBe(2);
    });

    it('limits native publishes with the same bucket', async () => {
      const client = await t.connect('native', { username: 'admin', password: 'x' });
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/#', { qos: 1 });
      for (let n = 0; n < 4; n++) {
        await client.publishAsync('dh/notification/1/1/d1/temp', '{"parameters":{}}', { qos: 1 });
      }
      const limited: string[] = [];
      for (let n = 0; n < 4; n++) {
        const { topic, payload } = await inbox.next();
        if ((payload as { code?: number }).code === 429) limited.push(topic);
      }
      // The CONNECT login spent no request tokens: 3 publishes pass, the 4th is limited.
      expect(limited).toEqual(['dh/response/notification/insert@native']);
    });
  });

  describe('when a client passes DH_MAX_SUBSCRIPTIONS_PER_CLIENT', () => {
    beforeEach(() => start({ maxSubscriptionsPerClient: 3 }));

    it('refuses the next MQTT filter with SUBACK 0x80, but not a repeated one', async () => {
      const client = await t.connect('subs');
      for (const filter of ['a/1', 'a/2', 'a/3']) expect(await grantedQos(client, filter)).toBe(1);
      expect(await grantedQos(client, 'a/4')).toBe(128);
      expect(await grantedQos(client, 'a/2', 0)).toBe(0);
      expect(await limitHits(registry, 'subscriptions')).toBe(1);
    });

    it('counts UNSUBSCRIBE: a freed place can be used again', async () => {
      const client = await t.connect('subs');
      for (const filter of ['a/1', 'a/2', 'a/3']) await grantedQos(client, filter);
      await client.unsubscribeAsync('a/1');
      expect(await grantedQos(client, 'a/4')).toBe(1);
    });

    it('answers a request-made subscribe past the limit with 429 without asking the gateway', async () => {
      const next = t.bus.handler;
      acceptLogins(t.bus, new Map([['admin', buildPrincipal()]]), async (envelope) =>
        envelope.request.action === 'notification/subscribe'
          ? { ...replyTo(envelope, { subscriptionId: 7 }) }
          : next(envelope),
      );
      const client = await t.connect('subs', { username: 'admin', password: 'x' });
      const inbox = new Inbox(client);
      await grantedQos(client, 'dh/response/#');
      await grantedQos(client, 'a/1');
      await grantedQos(client, 'a/2');
      const before = t.bus.requests.length;
      await client.publishAsync('dh/request', '{"action":"notification/subscribe","requestId":1}', {
        qos: 1,
      });
      expect((await inbox.next()).payload).toEqual({
        action: 'notification/subscribe',
        requestId: 1,
        status: 'error',
        code: 429,
        error: 'Too many subscriptions: the limit is 3 per connection',
      });
      expect(t.bus.requests).toHaveLength(before);
    });
  });
});
