import { Registry } from 'prom-client';
import { Inbox, connectMqtt, startTestBroker, type TestBroker } from '../testing';
import { BrokerLimits } from './broker-limits';
import { RawClient, limitHits } from '../testing/limits.fixtures';

const closedWithin = (client: { once(e: 'close', f: () => void): unknown }) =>
  new Promise<void>((resolve) => client.once('close', () => resolve()));

describe(`${BrokerLimits.name} on connections`, () => {
  let t: TestBroker;
  let registry: Registry;
  const raws: RawClient[] = [];

  async function start(settings: Parameters<typeof startTestBroker>[0]): Promise<void> {
    registry = new Registry();
    t = await startTestBroker(settings, undefined, { metrics: registry });
  }

  afterEach(async () => {
    raws.splice(0).forEach((raw) => raw.destroy());
    await t.close();
  });

  describe('when a topic is deeper than DH_MAX_TOPIC_LEVELS', () => {
    beforeEach(() => start({ maxTopicLevels: 10 }));

    it('passes a publish at exactly the limit', async () => {
      const client = await t.connect('levels');
      const inbox = new Inbox(client);
      const topic = 'a/b/c/d/e/f/g/h/i/j';
      await client.subscribeAsync(topic, { qos: 1 });
      await client.publishAsync(topic, 'x', { qos: 1 });
      expect((await inbox.next()).topic).toBe(topic);
    });

    it.each([
      [
        'publish',
        (c: Awaited<ReturnType<TestBroker['connect']>>) => c.publish('a/'.repeat(10) + 'k', 'x'),
      ],
      [
        'subscribe',
        (c: Awaited<ReturnType<TestBroker['connect']>>) => c.subscribe('a/'.repeat(10) + '#'),
      ],
    ])('closes the connection on a %s one level deeper and counts it', async (_, send) => {
      const client = await t.connect('deep');
      const gone = closedWithin(client);
      send(client);
      await gone;
      expect(await limitHits(registry, 'topic_levels')).toBe(1);
    });

    it('refuses a client id whose reply topics would be too deep with CONNACK 2', async () => {
      await expect(connectMqtt(t.url, 'a/b/c/d/e/f/g/h')).rejects.toMatchObject({ code: 2 });
      expect((await t.connect('a/b/c/d/e/f/g')).connected).toBe(true);
      expect(await limitHits(registry, 'topic_levels')).toBe(1);
    });
  });

  describe('when a client id is longer than DH_MAX_CLIENT_ID_LENGTH', () => {
    beforeEach(() => start({ maxClientIdLength: 30 }));

    it('refuses it with CONNACK 2 and counts it', async () => {
      await expect(connectMqtt(t.url, 'x'.repeat(31))).rejects.toMatchObject({ code: 2 });
      expect(await limitHits(registry, 'client_id_length')).toBe(1);
    });
  });

  describe('when one address opens connections faster than DH_CONNECT_RATE_PER_IP', () => {
    beforeEach(() => start({ connectRatePerIp: 0.5, connectBurstPerIp: 2, connectRateExempt: [] }));

    it('closes the excess sockets before CONNACK and serves the admitted ones', async () => {
      const first = await RawClient.open(t.url);
      const second = await RawClient.open(t.url);
      const third = await RawClient.open(t.url);
      raws.push(first, second, third);
      await third.closed;
      expect(third.packets).toEqual([]);
      await first.connect('first');
      await second.connect('second');
      expect(await limitHits(registry, 'connect_rate')).toBe(1);
    });
  });

  describe('when the address is exempt (loopback by default)', () => {
    beforeEach(() => start({ connectRatePerIp: 0.5, connectBurstPerIp: 1 }));

    it('never limits it', async () => {
      const clients = await Promise.all(
        Array.from({ length: 5 }, (_, n) => t.connect(`local-${n}`)),
      );
      expect(clients.every((client) => client.connected)).toBe(true);
      expect(await limitHits(registry, 'connect_rate')).toBe(0);
    });
  });

  describe('when a packet is over DH_MAX_PACKET_SIZE', () => {
    beforeEach(async () => {
      registry = new Registry();
      t = await startTestBroker({}, { maxPacketSize: 2048 }, { metrics: registry });
    });

    it('counts the closed connection', async () => {
      const client = await t.connect('big');
      const gone = closedWithin(client);
      client.publish('plain/x', 'x'.repeat(4096));
      await gone;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await limitHits(registry, 'packet_size')).toBe(1);
    });
  });
});
