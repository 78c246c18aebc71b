import { DhError } from '@dh-mqtt/protocol';
import type { MqttClient } from 'mqtt';
import { createBroker } from './broker';
import {
  Inbox,
  connectMqtt,
  grantedQos,
  replyTo,
  startTestBroker,
  type TestBroker,
} from './testing';

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

const subscribe = (client: MqttClient, topic: string, qos: 0 | 1 = 1) =>
  client.subscribeAsync(topic, { qos });
const request = (client: MqttClient, body: unknown, qos: 0 | 1 = 1) =>
  client.publishAsync('dh/request', typeof body === 'string' ? body : JSON.stringify(body), {
    qos,
  });

/** A `notification/insert` request (a `pipelined` action, docs/adr/0017-pipelined-requests.md). */
const insert = (n: number) => ({
  action: 'notification/insert',
  requestId: n,
  deviceId: 'd',
  notification: { notification: 'n' },
});

describe(createBroker.name, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker();
  });

  afterEach(async () => {
    await t.close();
  });

  describe('when a client publishes a request', () => {
    it('forwards an envelope and delivers the reply on its response topic at QoS 1', async () => {
      const client = await t.connect('owner');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/server/info@owner');

      await request(client, { action: 'server/info', requestId: 1 });

      expect(await inbox.next()).toEqual({
        topic: 'dh/response/server/info@owner',
        qos: 1,
        payload: {
          action: 'server/info',
          requestId: 1,
          status: 'success',
          echo: { action: 'server/info', requestId: 1 },
        },
      });
      expect(t.bus.requests).toEqual([
        expect.objectContaining({
          clientId: 'owner',
          brokerId: t.broker.id,
          principal: null,
          request: { action: 'server/info', requestId: 1 },
          deadline: expect.any(Number),
          id: expect.any(String),
        }),
      ]);
    });

    it('delivers the reply at QoS 0 to a QoS 0 subscription', async () => {
      const client = await t.connect('q0');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#', 0);
      await request(client, { action: 'server/info' });
      expect(await inbox.next()).toMatchObject({ topic: 'dh/response/server/info@q0', qos: 0 });
    });

    it('gives every request a distinct envelope id', async () => {
      const client = await t.connect('ids');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');
      await request(client, { action: 'server/info' });
      await request(client, { action: 'server/info' });
      await inbox.next();
      await inbox.next();
      expect(new Set(t.bus.requests.map((r) => r.id)).size).toBe(2);
    });
  });

  describe('when another client listens on # or on the owner’s response topic', () => {
    it('delivers the reply to the owner only', async () => {
      const owner = await t.connect('owner');
      const spy = await t.connect('spy');
      const ownerInbox = new Inbox(owner);
      const spyInbox = new Inbox(spy);
      await subscribe(owner, 'dh/response/#');
      await subscribe(spy, '#');
      await subscribe(spy, 'dh/response/#');
      expect(await grantedQos(spy, 'dh/response/server/info@owner')).toBe(128);

      await request(owner, { action: 'server/info', requestId: 'mine' });

      expect((await ownerInbox.next()).payload).toMatchObject({ requestId: 'mine' });
      await owner.publishAsync('plain/after', 'x', { qos: 1 });
      expect((await spyInbox.next()).topic).toBe('plain/after');
      expect(await spyInbox.quietFor(100)).toEqual([]);
    });
  });

  describe('when a client listens on # while others send requests', () => {
    it('never receives the dh/request publishes, whatever the filter', async () => {
      const spy = await t.connect('spy');
      const spyInbox = new Inbox(spy);
      await subscribe(spy, '#');
      await subscribe(spy, '+/request');
      expect(await grantedQos(spy, 'dh/request')).toBe(128);
      expect(await grantedQos(spy, 'dh/request/#')).toBe(128);
      const sender = await t.connect('sender');

      await request(sender, { action: 'token', login: 'dhadmin', password: 'secret' });
      await request(sender, { action: 'server/info' }, 0);
      await sender.publishAsync('plain/after', 'x', { qos: 1 });

      // The spy's filters work: the ordinary publish sent after the requests is all it gets.
      expect((await spyInbox.next()).topic).toBe('plain/after');
      expect(await spyInbox.quietFor(100)).toEqual([]);
      expect(t.bus.requests).toHaveLength(2);
    });
  });

  describe('when the payload cannot be routed by action', () => {
    it.each([
      ['not JSON', 'hello', { code: 400, status: 'error', error: 'Malformed Json received.' }],
      ['a JSON array', '[1]', { code: 400, status: 'error', error: 'Malformed Json received.' }],
      [
        'an object without action',
        '{"requestId":3}',
        {
          action: null,
          requestId: 3,
          code: 400,
          status: 'error',
          error: 'Malformed Json received.',
        },
      ],
    ])(
      'answers %s on dh/response/error@{clientId} without calling the gateway',
      async (_, body, reply) => {
        const client = await t.connect('bad');
        const inbox = new Inbox(client);
        await subscribe(client, 'dh/response/error@bad');

        await request(client, body);

        expect(await inbox.next()).toEqual({
          topic: 'dh/response/error@bad',
          qos: 1,
          payload: reply,
        });
        expect(t.bus.requests).toEqual([]);
      },
    );

    it('answers an action that cannot name a topic on the error topic', async () => {
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');
      await request(client, { action: 'a@b', requestId: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: 'dh/response/error@c',
        payload: { action: 'a@b', requestId: 1 },
      });
    });
  });

  describe('when the payload is over DH_MAX_REQUEST_SIZE', () => {
    it('answers 413 on the error topic without calling the gateway', async () => {
      const client = await t.connect('big');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/error@big');

      await request(client, { action: 'server/info', pad: 'x'.repeat(5000) });

      expect(await inbox.next()).toMatchObject({ payload: { code: 413, status: 'error' } });
      expect(t.bus.requests).toEqual([]);
    });
  });

  describe('when the bus rejects or never answers', () => {
    it.each([
      ['rejects with a timeout', () => Promise.reject(new DhError('DH_ERR_BACKEND_TIMEOUT', 2000))],
      ['rejects with a plain error', () => Promise.reject(new Error('socket hang up'))],
    ])('answers 503 when the bus %s', async (_, behaviour) => {
      t.bus.handler = behaviour;
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');

      await request(client, { action: 'server/info', requestId: 9 });

      expect((await inbox.next()).payload).toMatchObject({
        action: 'server/info',
        requestId: 9,
        code: 503,
        status: 'error',
      });
    });

    it('answers 503 by the deadline when the bus stays silent', async () => {
      await t.close();
      t = await startTestBroker({ requestTimeoutMs: 100 });
      t.bus.handler = () => new Promise(() => undefined);
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');
      const started = Date.now();

      await request(client, { action: 'server/info', requestId: 9 });

      expect((await inbox.next(2_000)).payload).toMatchObject({ code: 503, requestId: 9 });
      expect(Date.now() - started).toBeLessThan(1_500);
    });
  });

  describe('when a client sends several requests', () => {
    /** The gateway holds every request until the test calls its release (by requestId). */
    function holdReplies(): Map<unknown, () => void> {
      const release = new Map<unknown, () => void>();
      t.bus.handler = (envelope) =>
        new Promise((resolve) =>
          release.set(envelope.request.requestId, () => resolve(replyTo(envelope))),
        );
      return release;
    }

    /** A client listening to its replies. */
    async function listening(clientId: string): Promise<{ client: MqttClient; inbox: Inbox }> {
      const client = await t.connect(clientId);
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');
      return { client, inbox };
    }

    it('answers them in the order it published them, one at a time', async () => {
      let inFlight = 0;
      let maxInFlight = 0;
      t.bus.handler = async (envelope) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Earlier requests take longer: concurrent handling would reorder the replies.
        await new Promise((resolve) =>
          setTimeout(resolve, (10 - Number(envelope.request.requestId)) * 5),
        );
        inFlight--;
        return replyTo(envelope);
      };
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');

      for (let n = 1; n <= 8; n++) {
        void request(
          client,
          n % 2 ? { action: 'server/info', requestId: n } : 'oops',
          n % 2 ? 1 : 0,
        );
      }
      const replies = [];
      for (let n = 1; n <= 8; n++) replies.push(await inbox.next());

      expect(
        replies.map((r) => (r.payload as { requestId?: number }).requestId ?? 'error'),
      ).toEqual([1, 'error', 3, 'error', 5, 'error', 7, 'error']);
      expect(maxInFlight).toBe(1);
    });

    it('hands pipelined inserts on at once and still answers in publish order', async () => {
      const release = holdReplies();
      const { client, inbox } = await listening('p');

      for (const n of [1, 2, 3]) await request(client, insert(n));
      await eventually(() => expect(t.bus.requests).toHaveLength(3));
      // A request of another action waits for its turn: not on the bus while inserts are open.
      await request(client, { action: 'notification/list', requestId: 4, deviceId: 'd' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(t.bus.requests).toHaveLength(3);

      // The gateway answers the last insert first: the replies still leave in publish order.
      release.get(3)?.();
      release.get(2)?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
      release.get(1)?.();
      const replies = [];
      for (let n = 1; n <= 3; n++) replies.push(await inbox.next());
      await eventually(() => expect(t.bus.requests).toHaveLength(4));
      release.get(4)?.();
      replies.push(await inbox.next());

      expect(replies.map((r) => (r.payload as { requestId?: number }).requestId)).toEqual([
        1, 2, 3, 4,
      ]);
      expect(t.bus.requests.map((r) => r.request.requestId)).toEqual([1, 2, 3, 4]);
      expect(t.broker.metrics.requestsPipelined).toBe(2);
    });

    it('pipelines again once a request in the middle of the stream is answered', async () => {
      const release = holdReplies();
      const { client, inbox } = await listening('m');
      const onBus = () => t.bus.requests.map((r) => r.request.requestId);

      await request(client, insert(1));
      await request(client, { action: 'notification/list', requestId: 2, deviceId: 'd' });
      for (const n of [3, 4, 5]) await request(client, insert(n));
      await eventually(() => expect(onBus()).toEqual([1]));
      release.get(1)?.();
      await eventually(() => expect(onBus()).toEqual([1, 2]));
      release.get(2)?.();

      // 3, 4 and 5 all leave before any of them is answered.
      await eventually(() => expect(onBus()).toEqual([1, 2, 3, 4, 5]));
      for (const n of [5, 4, 3]) release.get(n)?.();
      const replies = [];
      for (let n = 1; n <= 5; n++) replies.push(await inbox.next());
      expect(replies.map((r) => (r.payload as { requestId?: number }).requestId)).toEqual([
        1, 2, 3, 4, 5,
      ]);
    });

    it('holds a pipelined insert behind a request that may change the session', async () => {
      const release = holdReplies();
      const { client, inbox } = await listening('q');

      await request(client, { action: 'authenticate', requestId: 1, token: 't' });
      await request(client, insert(2));
      await eventually(() => expect(t.bus.requests).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(t.bus.requests).toHaveLength(1);

      release.get(1)?.();
      await eventually(() => expect(t.bus.requests).toHaveLength(2));
      release.get(2)?.();
      expect((await inbox.next()).payload).toMatchObject({ requestId: 1 });
      expect((await inbox.next()).payload).toMatchObject({ requestId: 2 });
      expect(t.broker.metrics.requestsPipelined).toBe(0);
    });

    it('answers 429 beyond DH_MAX_PENDING_REQUESTS', async () => {
      await t.close();
      t = await startTestBroker({ maxPendingRequests: 1 });
      const release: Array<() => void> = [];
      t.bus.handler = (envelope) =>
        new Promise((resolve) => release.push(() => resolve(replyTo(envelope))));
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');

      // One write, so one read: the broker stops reading the connection at the first request
      // (docs/adr/0020), but the requests it has already read are all admitted or refused.
      client.stream.cork();
      for (const n of [1, 2, 3]) void request(client, { action: 'server/info', requestId: n }, 0);
      process.nextTick(() => client.stream.uncork());

      expect((await inbox.next()).payload).toMatchObject({ requestId: 3, code: 429 });
      release.splice(0).forEach((open) => open());
      await new Promise((resolve) => setTimeout(resolve, 20));
      release.splice(0).forEach((open) => open());
      expect((await inbox.next()).payload).toMatchObject({ requestId: 1, status: 'success' });
      expect((await inbox.next()).payload).toMatchObject({ requestId: 2, status: 'success' });
    });
  });

  describe('when a client with a last will on dh/request vanishes', () => {
    it('forwards the will as a request of that client and routes it to nobody', async () => {
      const spy = await t.connect('spy');
      const spyInbox = new Inbox(spy);
      await subscribe(spy, '#');
      const doomed = await connectMqtt(t.url, 'doomed', {
        will: {
          topic: 'dh/request',
          payload: Buffer.from('{"action":"server/info","requestId":"will"}'),
          qos: 1,
          retain: false,
        },
      });
      doomed.stream.destroy();
      await eventually(() => expect(t.bus.requests.map((r) => r.clientId)).toEqual(['doomed']));
      expect(t.bus.requests[0].request).toEqual({ action: 'server/info', requestId: 'will' });
      expect(await spyInbox.quietFor(100)).toEqual([]);
      await doomed.endAsync(true);
    });
  });

  describe('when the reply carries a session effect', () => {
    it('copies the new principal into the next request of that client', async () => {
      const principal = {
        userId: 1,
        login: 'dhadmin',
        role: 0 as const,
        permissions: [],
        networkIds: '*' as const,
        deviceTypeIds: '*' as const,
        userNetworkIds: '*' as const,
        userDeviceTypeIds: '*' as const,
      };
      t.bus.handler = async (envelope) =>
        envelope.request.action === 'authenticate'
          ? { ...replyTo(envelope), effect: { kind: 'authenticate', principal } }
          : replyTo(envelope);
      const client = await t.connect('c');
      const inbox = new Inbox(client);
      await subscribe(client, 'dh/response/#');

      await request(client, { action: 'authenticate', token: 't' });
      await request(client, { action: 'user/getCurrent' });
      await inbox.next();
      await inbox.next();

      expect(t.bus.requests.map((r) => r.principal)).toEqual([null, principal]);
    });
  });
});
