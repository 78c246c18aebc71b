import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AedesPublishPacket, type Client, type PublishPacket } from 'aedes';
import { Redis } from 'ioredis';
import createRedisEmitter from 'mqemitter-redis';
import type { MqttClient } from 'mqtt';
import {
  connackSent,
  emitterClosing,
  emitterErrors,
  grantedSubscriptions,
  isTopicLevelsError,
  localClient,
  localClients,
  localEmitOf,
  maxTopicLevelsOf,
  meterReads,
  nextBrokerCounter,
  persistenceOf,
  replaceDuplicateCounters,
  wrapDelivery,
} from './aedes-internals';
import { Inbox, connectMqtt } from './testing';

/*
 * The aedes (and emitter) fields the broker relies on, on a real aedes and real MQTT clients.
 * A failure here after an aedes upgrade names the field that moved; fix `aedes-internals.ts`.
 */

interface Running {
  aedes: Aedes;
  server: Server;
  url: string;
  /** Every connection aedes created, in order, as `handle` returned it. */
  handled: Client[];
  /** Runs on each connection as soon as aedes created it (before CONNECT is read). */
  onHandle?: (client: Client) => void;
}

async function startAedes(options: { maxTopicLevels?: number } = {}): Promise<Running> {
  const aedes = new Aedes(options);
  await aedes.listen();
  const running: Running = { aedes, server: createServer(), url: '', handled: [] };
  running.server.on('connection', (socket) => {
    const client = aedes.handle(socket);
    running.handled.push(client);
    running.onHandle?.(client);
  });
  running.server.listen(0, '127.0.0.1');
  await once(running.server, 'listening');
  running.url = `mqtt://127.0.0.1:${(running.server.address() as AddressInfo).port}`;
  return running;
}

describe('aedes internals (aedes as pinned in package.json)', () => {
  let running: Running;
  const clients: MqttClient[] = [];
  const connect = async (clientId: string, clean = true) => {
    const client = await connectMqtt(running.url, clientId, { clean });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    running = await startAedes({ maxTopicLevels: 5 });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
    await new Promise<void>((resolve) => running.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => running.server.close(() => resolve()));
  });

  it('keeps the connections of this broker by client id', async () => {
    await connect('c1');
    await connect('c2');
    expect(localClient(running.aedes, 'c1')).toBe(running.handled[0]);
    expect(localClient(running.aedes, 'nobody')).toBeUndefined();
    expect(localClients(running.aedes).map((client) => client.id)).toEqual(['c1', 'c2']);
  });

  it('sets connackSent just after the connackSent event', async () => {
    const seen: Array<[string, boolean]> = [];
    let nextTurn!: () => void;
    const afterEvent = new Promise<void>((resolve) => (nextTurn = resolve));
    running.aedes.on('connackSent', (_packet, client) => {
      seen.push(['event', connackSent(client)]);
      setImmediate(() => {
        seen.push(['next turn', connackSent(client)]);
        nextTurn();
      });
    });
    running.onHandle = (client) => seen.push(['handle', connackSent(client)]);
    await connect('c1');
    await afterEvent;
    expect(seen).toEqual([
      ['handle', false],
      ['event', false],
      ['next turn', true],
    ]);
  });

  it('lists the granted filters of a connection with their QoS', async () => {
    const mqtt = await connect('c1');
    await mqtt.subscribeAsync({ 'a/+': { qos: 1 }, b: { qos: 0 } });
    const client = localClient(running.aedes, 'c1') as Client;
    expect(Object.keys(grantedSubscriptions(client)).sort()).toEqual(['a/+', 'b']);
    expect(grantedSubscriptions(client)['a/+']?.qos).toBe(1);
    expect(grantedSubscriptions(client)['b']?.qos).toBe(0);
  });

  it.each([
    ['deliverQoS', 1],
    ['deliver0', 0],
  ] as const)('writes %s packets through a wrapper installed on handle', async (kind, qos) => {
    const wrapped: PublishPacket[] = [];
    running.onHandle = (client) =>
      wrapDelivery(client, kind, (original) => (packet, done) => {
        wrapped.push(packet);
        original(packet, done);
      });
    const mqtt = await connect('c1');
    const inbox = new Inbox(mqtt);
    await mqtt.subscribeAsync('t/x', { qos });
    await mqtt.publishAsync('t/x', 'hello', { qos });
    expect(await inbox.next()).toMatchObject({ topic: 't/x', payload: 'hello', qos });
    expect(wrapped.map((packet) => [packet.topic, packet.qos])).toEqual([['t/x', qos]]);
  });

  it('filters duplicates with the per-connection counter table the broker replaces', async () => {
    const reads: string[] = [];
    running.onHandle = (client) =>
      replaceDuplicateCounters(
        client,
        new Proxy({} as Record<string, number>, {
          get: (target, key) => (reads.push(String(key)), target[String(key)]),
        }),
      );
    const mqtt = await connect('c1');
    const inbox = new Inbox(mqtt);
    await mqtt.subscribeAsync('t/x', { qos: 1 });
    await mqtt.publishAsync('t/x', 'hello', { qos: 1 });
    await inbox.next();
    expect(reads).toContain(running.aedes.id);
  });

  it('numbers its packets with the counter the broker continues', async () => {
    const routed: AedesPublishPacket[] = [];
    await new Promise<void>((resolve) =>
      running.aedes.subscribe(
        'n/x',
        (packet, done) => {
          routed.push(packet);
          done();
        },
        resolve,
      ),
    );
    const before = nextBrokerCounter(running.aedes);
    await new Promise<void>((resolve) =>
      running.aedes.publish(
        {
          cmd: 'publish',
          topic: 'n/x',
          payload: Buffer.from('1'),
          qos: 0,
          retain: false,
          dup: false,
        },
        () => resolve(),
      ),
    );
    expect(routed.map((packet) => [packet.brokerId, packet.brokerCounter])).toEqual([
      [running.aedes.id, before + 1],
    ]);
    expect(nextBrokerCounter(running.aedes)).toBe(before + 2);
  });

  it('exposes its topic level limit and refuses deeper topics with the text the broker matches', async () => {
    expect(maxTopicLevelsOf(running.aedes)).toBe(5);
    const refusal = await new Promise<Error | undefined>((resolve) =>
      running.aedes.publish(
        {
          cmd: 'publish',
          topic: 'a/b/c/d/e/f',
          payload: Buffer.from('x'),
          qos: 0,
          retain: false,
          dup: false,
        },
        resolve,
      ),
    );
    expect(isTopicLevelsError(refusal)).toBe(true);
    expect(isTopicLevelsError(new Error('something else'))).toBe(false);

    const clientError = once(running.aedes, 'clientError');
    const mqtt = await connect('c1');
    mqtt.publish('a/b/c/d/e/f', 'x');
    const [, err] = (await clientError) as [Client, Error];
    expect(isTopicLevelsError(err)).toBe(true);
  });

  it('reads its persistence from the property the broker wraps', async () => {
    const persistence = persistenceOf(running.aedes) as Record<string, unknown>;
    for (const call of [
      'addSubscriptions',
      'cleanSubscriptions',
      'outgoingEnqueue',
      'outgoingEnqueueCombi',
      'outgoingClearMessageId',
      'outgoingStream',
      'outgoingUpdate',
    ]) {
      expect(typeof persistence[call]).toBe('function');
    }
    const used: string[] = [];
    (running.aedes as unknown as { persistence: object }).persistence = new Proxy(persistence, {
      get: (target, key) => (used.push(String(key)), target[String(key)]),
    });
    expect(persistenceOf(running.aedes)).not.toBe(persistence);
    const mqtt = await connect('p1', false);
    await mqtt.subscribeAsync('q/x', { qos: 1 });
    expect(used).toContain('addSubscriptions');
  });

  describe('reads through meterReads', () => {
    /** Everything published on `m/#`, as aedes routes it. */
    async function routed(): Promise<string[]> {
      const seen: string[] = [];
      await new Promise<void>((resolve) =>
        running.aedes.subscribe(
          'm/#',
          (packet, done) => {
            seen.push(String(packet.payload));
            done();
          },
          resolve,
        ),
      );
      return seen;
    }

    it('stops reading while held, also inside a batch, and reads on where it stopped once released', async () => {
      const seen = await routed();
      const mqtt = await connect('c1');
      const reads = meterReads(running.handled[0], 16_384);
      // Hold from inside the handling of the first packet of a read: the rest of that read passes.
      let holdOnFirst = true;
      running.aedes.on('publish', (packet) => {
        if (holdOnFirst && packet.topic === 'm/1') {
          holdOnFirst = false;
          reads.hold();
        }
      });
      mqtt.stream.cork();
      for (const n of [1, 2, 3]) mqtt.publish(`m/${n}`, `p${n}`);
      process.nextTick(() => mqtt.stream.uncork());
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const n of [4, 5]) mqtt.publish(`m/${n}`, `p${n}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['p1', 'p2', 'p3']);

      reads.release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
      mqtt.publish('m/6', 'p6');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    });

    it('reads at most maxBytes at a time and loses nothing across the cuts', async () => {
      const seen = await routed();
      const mqtt = await connect('c1');
      const reads = meterReads(running.handled[0], 7);
      reads.hold();
      const sent = Array.from({ length: 40 }, (_, i) => `payload-${i}-${'x'.repeat(i)}`);
      for (const [i, payload] of sent.entries()) mqtt.publish(`m/${i}`, payload);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([]);
      reads.release();
      for (const until = Date.now() + 3_000; seen.length < sent.length && Date.now() < until;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(seen).toEqual(sent);
    });
  });

  it('has no local-only emit on its own in-memory emitter', () => {
    expect(localEmitOf(running.aedes)).toBeUndefined();
  });
});

describe('mqemitter-redis internals (the shared emitter of a cluster pod)', () => {
  // Never connected: these connections only exist to build a real emitter around them.
  const lazy = () => new Redis({ port: 1, lazyConnect: true, retryStrategy: () => null });

  it('keeps a local-only emit, re-emits its connection errors on `state`, and says when closing', async () => {
    const sub = lazy();
    const pub = lazy();
    const mq = createRedisEmitter({ subConn: sub, pubConn: pub });
    try {
      const aedes = { mq } as unknown as Aedes;
      expect(localEmitOf(aedes)).toEqual(expect.any(Function));

      const errors: Error[] = [];
      emitterErrors(mq).on('error', (err: Error) => errors.push(err));
      sub.emit('error', new Error('connection refused'));
      expect(errors.map((err) => err.message)).toEqual(['connection refused']);

      expect(emitterClosing(mq)).toBe(false);
      mq.close(() => undefined);
      expect(emitterClosing(mq)).toBe(true);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});
