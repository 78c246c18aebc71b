import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { Inbox, startTestBroker, type TestBroker } from '../testing';
import { persistenceOf } from '../aedes-internals';
import { InflightWindows } from './inflight-window';
import { RawClient, limitHits, pause } from '../testing/limits.fixtures';
import { purgeSession } from './session-expiry';

describe(`${InflightWindows.name} and the session queues`, () => {
  let t: TestBroker;
  let registry: Registry;
  const opened: Array<MqttClient | RawClient> = [];

  async function start(settings: Parameters<typeof startTestBroker>[0]): Promise<void> {
    registry = new Registry();
    t = await startTestBroker(settings, undefined, { metrics: registry });
  }

  afterEach(async () => {
    for (const client of opened.splice(0)) {
      if (client instanceof RawClient) client.destroy();
      else await client.endAsync(true);
    }
    await t.close();
  });

  async function publishAll(count: number, topic = 'plain/x'): Promise<void> {
    const publisher = await t.connect(`pub-${Math.random()}`);
    for (let n = 1; n <= count; n++) await publisher.publishAsync(topic, `m${n}`, { qos: 1 });
  }

  /** Connects with `clean: false`; the inbox listens before CONNACK, so replayed queues count. */
  async function persistent(clientId: string): Promise<[MqttClient, Inbox, boolean]> {
    const options: IClientOptions = { clientId, clean: false, reconnectPeriod: 0 };
    const client = connect(t.url, options);
    opened.push(client);
    const inbox = new Inbox(client);
    const present = await new Promise<boolean>((resolve, reject) => {
      client.once('connect', (connack) => resolve(connack.sessionPresent));
      client.once('error', reject);
    });
    return [client, inbox, present];
  }

  const payloads = (inbox: Inbox) => inbox.messages.map((m) => String(m.payload));

  describe('when a client does not acknowledge QoS 1 messages (DH_MAX_INFLIGHT)', () => {
    beforeEach(() => start({ maxInflight: 2, maxOfflineQueue: 2 }));

    it('writes at most the window, holds the next ones in order and drops past the queue', async () => {
      const raw = await RawClient.open(t.url);
      opened.push(raw);
      await raw.connect('slow');
      await raw.subscribe('plain/x');
      await publishAll(6);
      await pause(100);
      expect(raw.publishes().map((p) => String(p.payload))).toEqual(['m1', 'm2']);
      expect(await limitHits(registry, 'inflight_queue')).toBe(2);

      raw.puback(raw.publishes()[0].messageId as number);
      await raw.waitFor(() => raw.publishes().length === 3);
      raw.puback(raw.publishes()[1].messageId as number);
      raw.puback(raw.publishes()[2].messageId as number);
      await raw.waitFor(() => raw.publishes().length === 4);
      await pause(50);
      expect(raw.publishes().map((p) => String(p.payload))).toEqual(['m1', 'm2', 'm3', 'm4']);
    });

    it('leaves QoS 0 delivery alone', async () => {
      const raw = await RawClient.open(t.url);
      opened.push(raw);
      await raw.connect('qos0');
      raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'plain/x', qos: 0 }] });
      await raw.waitFor((p) => p.cmd === 'suback');
      await publishAll(6);
      await raw.waitFor(() => raw.publishes().length === 6);
    });
  });

  describe('when more messages wait for a persistent session than DH_MAX_OFFLINE_QUEUE', () => {
    beforeEach(() => start({ maxOfflineQueue: 3 }));

    it('keeps the oldest, refuses the newer ones and counts them', async () => {
      const [first] = await persistent('away');
      await first.subscribeAsync('plain/x', { qos: 1 });
      await first.endAsync();
      await publishAll(5);
      const [, inbox] = await persistent('away');
      await inbox.next();
      expect(await inbox.quietFor(150)).toHaveLength(2);
      expect(payloads(inbox)).toEqual(['m1', 'm2', 'm3']);
      expect(await limitHits(registry, 'offline_queue')).toBe(2);
    });

    it('takes new messages again once the queue was delivered', async () => {
      const [first] = await persistent('away');
      await first.subscribeAsync('plain/x', { qos: 1 });
      await first.endAsync();
      await publishAll(5);
      const [second, inbox] = await persistent('away');
      await inbox.next();
      await inbox.quietFor(100);
      await second.endAsync();
      await publishAll(2);
      const [, again] = await persistent('away');
      await again.next();
      await again.next();
      expect(payloads(again)).toEqual(['m1', 'm2']);
    });
  });

  describe('when a persistent session does not return within DH_SESSION_EXPIRY_SECONDS', () => {
    beforeEach(() => start({ sessionExpirySeconds: 1 }));

    it('removes its subscriptions and queued messages', async () => {
      const [first] = await persistent('gone');
      await first.subscribeAsync('plain/x', { qos: 1 });
      await first.endAsync();
      await publishAll(2);
      await pause(1_500);
      const [, inbox, present] = await persistent('gone');
      expect(present).toBe(false);
      await publishAll(1);
      expect(await inbox.quietFor(150)).toEqual([]);
      expect(await limitHits(registry, 'session_expiry')).toBe(1);
    });

    it('keeps a session that returns in time', async () => {
      const [first] = await persistent('back');
      await first.subscribeAsync('plain/x', { qos: 1 });
      await first.endAsync();
      await publishAll(1);
      await pause(300);
      const [, inbox, present] = await persistent('back');
      expect(present).toBe(true);
      expect((await inbox.next()).payload).toBe('m1');
    });
  });
});

/** The aedes-persistence calls this spec drives directly. */
interface PersistenceApi {
  addSubscriptions(client: { id: string }, subs: object[]): Promise<void>;
  outgoingEnqueue(sub: { clientId: string }, packet: object): Promise<void>;
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
  subscriptionsByClient(client: { id: string }): Promise<unknown[]>;
}

describe(purgeSession.name, () => {
  it('empties the queue and subscriptions of the memory persistence', async () => {
    const t = await startTestBroker();
    try {
      const persistence = persistenceOf(t.broker.aedes) as PersistenceApi;
      const client = { id: 'p' };
      await persistence.addSubscriptions(client, [{ topic: 'x/#', qos: 1 }]);
      for (let n = 1; n <= 3; n++) {
        await persistence.outgoingEnqueue(
          { clientId: 'p' },
          {
            cmd: 'publish',
            topic: 'x/y',
            payload: Buffer.from('m'),
            qos: 1,
            brokerId: 'b',
            brokerCounter: n,
          },
        );
      }
      expect(await purgeSession(persistence, 'p')).toBe(3);
      const left: unknown[] = [];
      for await (const packet of persistence.outgoingStream(client)) left.push(packet);
      expect(left).toEqual([]);
      expect(await persistence.subscriptionsByClient(client)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
