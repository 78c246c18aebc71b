import { isDhError, successReply, type DeviceEvent, type ErrorCode } from '@dh-mqtt/protocol';
import {
  BUS_SCHEMA_VERSION,
  type BrokerBus,
  type GatewayBus,
  type ReplyEnvelope,
  type RequestEnvelope,
  type RequestHandler,
} from '../bus.port';

/** Both ends of a bus under test, freshly created and not started. */
export interface BusUnderTest {
  broker: BrokerBus;
  gateway: GatewayBus;
}

/** Creates a fresh, isolated bus for one test (the suite starts and closes it). */
export type BusFactory = () => BusUnderTest | Promise<BusUnderTest>;

export interface BusContractOptions {
  /** Deadline given to requests that are expected to be answered (default 5 000 ms). */
  replyWithinMs?: number;
  /** Deadline given to requests that are expected to time out (default 300 ms). */
  timeoutMs?: number;
  /** Per-test jest timeout (default 20 000 ms; a real Kafka needs more than memory). */
  testTimeoutMs?: number;
}

let sequence = 0;

/** A request envelope with sensible defaults; `overrides` wins. */
export function buildRequestEnvelope(overrides: Partial<RequestEnvelope> = {}): RequestEnvelope {
  sequence += 1;
  return {
    v: BUS_SCHEMA_VERSION,
    id: `req-${process.pid}-${sequence}`,
    clientId: 'client-a',
    brokerId: 'broker-1',
    principal: null,
    request: { action: 'server/info', requestId: sequence },
    deadline: Date.now() + 5_000,
    ...overrides,
  };
}

/** The reply a well-behaved gateway sends for `request`: success with `body`. */
export function buildReplyEnvelope(
  request: RequestEnvelope,
  body: Record<string, unknown> = {},
): ReplyEnvelope {
  return {
    v: BUS_SCHEMA_VERSION,
    id: request.id,
    clientId: request.clientId,
    brokerId: request.brokerId,
    reply: successReply(request.request.action, request.request.requestId, body),
  };
}

/** A notification event with sensible defaults. */
export function buildDeviceEvent(overrides: Partial<DeviceEvent> = {}): DeviceEvent {
  return {
    kind: 'notification/insert',
    deviceId: 'e50d6085-2aba-48e9-b1c3-73c673e414be',
    networkId: 1,
    deviceTypeId: 1,
    name: 'temperature',
    data: { id: 1, notification: 'temperature', parameters: { value: 21.5 } },
    ...overrides,
  };
}

/** A promise plus its resolver, for handlers a test releases on purpose. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

function expectDhError(error: unknown, codes: readonly ErrorCode[]): void {
  expect(isDhError(error)).toBe(true);
  if (isDhError(error)) expect(codes).toContain(error.code);
}

/** Resolves once `check` passes, polling; fails after `withinMs`. */
async function eventually(check: () => void, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(10);
    }
  }
}

/**
 * The behaviour every broker↔gateway bus implements (docs/design.md, CONTRIBUTING.md "contract
 * suite"; the aedes-persistence `abstract` pattern). Call it from a spec file with a factory that
 * creates an isolated bus per test; the suite starts the ends and closes them after each test.
 */
export function busContractSuite(
  name: string,
  factory: BusFactory,
  options: BusContractOptions = {},
): void {
  const replyWithinMs = options.replyWithinMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 300;

  describe(`${name} (bus contract)`, () => {
    let bus: BusUnderTest;
    const releases: Array<() => void> = [];

    /** Starts both ends with `handler` serving requests. */
    async function serve(handler: RequestHandler): Promise<void> {
      bus.gateway.serve(handler);
      await bus.gateway.start();
      await bus.broker.start();
    }

    function request(overrides: Partial<RequestEnvelope> = {}): RequestEnvelope {
      return buildRequestEnvelope({ deadline: Date.now() + replyWithinMs, ...overrides });
    }

    /** A gate that is opened at teardown at the latest, so no handler outlives its test. */
    function heldGate(): ReturnType<typeof gate> {
      const g = gate();
      releases.push(g.open);
      return g;
    }

    beforeEach(async () => {
      bus = await factory();
    });

    afterEach(async () => {
      for (const release of releases.splice(0)) release();
      await bus.broker.close();
      await bus.gateway.close();
    });

    if (options.testTimeoutMs) jest.setTimeout(options.testTimeoutMs);

    describe('when a gateway serves requests', () => {
      it('resolves request() with the reply the gateway returned', async () => {
        await serve(async (env) => buildReplyEnvelope(env, { echo: env.request['value'] }));
        const sent = request({ request: { action: 'server/info', requestId: 'r1', value: 42 } });

        const reply = await bus.broker.request(sent);

        expect(reply).toEqual({
          v: BUS_SCHEMA_VERSION,
          id: sent.id,
          clientId: sent.clientId,
          brokerId: sent.brokerId,
          reply: { action: 'server/info', requestId: 'r1', status: 'success', echo: 42 },
        });
      });

      it('hands the gateway an equal envelope, never the sender’s object', async () => {
        const seen: RequestEnvelope[] = [];
        const returned: ReplyEnvelope[] = [];
        await serve(async (env) => {
          seen.push(env);
          const reply = buildReplyEnvelope(env);
          returned.push(reply);
          return reply;
        });
        const sent = request({ request: { action: 'device/get', requestId: { nested: [1] } } });

        const reply = await bus.broker.request(sent);

        expect(seen[0]).toEqual(sent);
        expect(seen[0]).not.toBe(sent);
        expect(seen[0]?.request).not.toBe(sent.request);
        expect(reply).toEqual(returned[0]);
        expect(reply).not.toBe(returned[0]);
      });

      it('carries the schema version on the request and on the reply', async () => {
        const versions: number[] = [];
        await serve(async (env) => {
          versions.push(env.v);
          return buildReplyEnvelope(env);
        });

        const reply = await bus.broker.request(request());

        expect(versions).toEqual([BUS_SCHEMA_VERSION]);
        expect(reply.v).toBe(BUS_SCHEMA_VERSION);
      });

      it('carries the session effect of a reply to the broker', async () => {
        await serve(async (env) => ({
          ...buildReplyEnvelope(env),
          effect: {
            kind: 'subscribe',
            subscription: {
              subscriptionId: 7,
              type: 'notification',
              deviceId: null,
              networkIds: null,
              deviceTypeIds: null,
              names: ['temperature'],
              timestamp: null,
              returnUpdatedCommands: false,
              filters: null,
            },
            replay: [buildDeviceEvent()],
          },
        }));

        const reply = await bus.broker.request(request());

        expect(reply.effect).toMatchObject({
          kind: 'subscribe',
          subscription: { subscriptionId: 7, names: ['temperature'] },
          replay: [buildDeviceEvent()],
        });
      });
    });

    describe('when one client sends several requests at once', () => {
      it('handles them one after another in the order they were sent', async () => {
        const log: string[] = [];
        await serve(async (env) => {
          const n = Number(env.request.requestId);
          log.push(`start ${n}`);
          // Earlier requests take longer: a bus that runs them concurrently reorders the log.
          await sleep((5 - n) * 15);
          log.push(`end ${n}`);
          return buildReplyEnvelope(env, { n });
        });

        const replies = await Promise.all(
          [1, 2, 3, 4, 5].map((n) =>
            bus.broker.request(request({ request: { action: 'server/info', requestId: n } })),
          ),
        );

        expect(log).toEqual([1, 2, 3, 4, 5].flatMap((n) => [`start ${n}`, `end ${n}`]));
        expect(replies.map((r) => r.reply['n'])).toEqual([1, 2, 3, 4, 5]);
      });
    });

    describe('when one client sends pipelined requests (docs/adr/0017-pipelined-requests.md)', () => {
      const insert = (n: number) =>
        request({ request: { action: 'notification/insert', requestId: n } });

      it('starts the next once the one before called sequenced(), in order', async () => {
        const log: string[] = [];
        await serve(async (env, signals) => {
          const n = Number(env.request.requestId);
          log.push(`start ${n}`);
          signals?.sequenced();
          // Earlier requests take longer: they overlap, and still start in order.
          await sleep((5 - n) * 15);
          log.push(`end ${n}`);
          return buildReplyEnvelope(env, { n });
        });

        const replies = await Promise.all(
          [1, 2, 3, 4, 5].map((n) => bus.broker.request(insert(n))),
        );

        expect(log.filter((line) => line.startsWith('start'))).toEqual(
          [1, 2, 3, 4, 5].map((n) => `start ${n}`),
        );
        // Overlapped: the second started before the first ended.
        expect(log.indexOf('start 2')).toBeLessThan(log.indexOf('end 1'));
        expect(replies.map((r) => r.reply['n'])).toEqual([1, 2, 3, 4, 5]);
      });

      it('keeps them one after another when the handler never calls sequenced()', async () => {
        const log: string[] = [];
        await serve(async (env) => {
          const n = Number(env.request.requestId);
          log.push(`start ${n}`);
          await sleep((4 - n) * 15);
          log.push(`end ${n}`);
          return buildReplyEnvelope(env);
        });

        await Promise.all([1, 2, 3].map((n) => bus.broker.request(insert(n))));

        expect(log).toEqual([1, 2, 3].flatMap((n) => [`start ${n}`, `end ${n}`]));
      });

      it('starts a request of another action only after every earlier one has ended', async () => {
        const log: string[] = [];
        await serve(async (env, signals) => {
          const n = Number(env.request.requestId);
          log.push(`start ${n}`);
          signals?.sequenced();
          await sleep(n === 1 ? 40 : 5);
          log.push(`end ${n}`);
          return buildReplyEnvelope(env);
        });

        await Promise.all([
          bus.broker.request(insert(1)),
          bus.broker.request(insert(2)),
          bus.broker.request(request({ request: { action: 'notification/list', requestId: 3 } })),
        ]);

        expect(log.indexOf('start 2')).toBeLessThan(log.indexOf('end 1'));
        expect(log.indexOf('start 3')).toBeGreaterThan(log.indexOf('end 1'));
        expect(log.indexOf('start 3')).toBeGreaterThan(log.indexOf('end 2'));
      });
    });

    describe('when one client’s request is slow', () => {
      it('still answers the requests of other clients', async () => {
        const slow = heldGate();
        await serve(async (env) => {
          if (env.clientId === 'slow-client') await slow.opened;
          return buildReplyEnvelope(env);
        });

        const slowReply = bus.broker.request(request({ clientId: 'slow-client' }));
        const fastReply = await bus.broker.request(request({ clientId: 'fast-client' }));

        expect(fastReply.clientId).toBe('fast-client');
        slow.open();
        await expect(slowReply).resolves.toMatchObject({ clientId: 'slow-client' });
      });
    });

    describe('when no reply comes by the deadline', () => {
      it('rejects with DH_ERR_BACKEND_TIMEOUT naming the wait in ms', async () => {
        const never = heldGate();
        await serve(async (env) => {
          await never.opened;
          return buildReplyEnvelope(env);
        });
        const started = Date.now();

        const error = await rejectionOf(
          bus.broker.request(request({ deadline: Date.now() + timeoutMs })),
        );

        expectDhError(error, ['DH_ERR_BACKEND_TIMEOUT']);
        expect((error as Error).message).toMatch(/\d+ ms/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 20);
      });

      it('rejects at once when the deadline has already passed', async () => {
        await serve(async (env) => buildReplyEnvelope(env));
        const started = Date.now();

        const error = await rejectionOf(bus.broker.request(request({ deadline: Date.now() - 1 })));

        expectDhError(error, ['DH_ERR_BACKEND_TIMEOUT']);
        expect(Date.now() - started).toBeLessThan(timeoutMs);
      });

      it('keeps serving the client once the slow request has finished', async () => {
        const slow = heldGate();
        await serve(async (env) => {
          if (env.request.requestId === 'slow') await slow.opened;
          return buildReplyEnvelope(env);
        });
        const timedOut = rejectionOf(
          bus.broker.request(
            request({
              request: { action: 'server/info', requestId: 'slow' },
              deadline: Date.now() + timeoutMs,
            }),
          ),
        );
        expectDhError(await timedOut, ['DH_ERR_BACKEND_TIMEOUT']);
        slow.open();

        const next = await bus.broker.request(
          request({ request: { action: 'server/info', requestId: 'next' } }),
        );

        expect(next.reply.requestId).toBe('next');
      });
    });

    describe('when the gateway publishes device events', () => {
      it('delivers each event to the broker’s event handler, in order, as a copy', async () => {
        const received: DeviceEvent[] = [];
        bus.broker.onEvent((event) => {
          received.push(event);
        });
        await serve(async (env) => buildReplyEnvelope(env));
        const events = [1, 2, 3].map((id) =>
          buildDeviceEvent({ data: { id, notification: 'temperature', parameters: { id } } }),
        );

        for (const event of events) await bus.gateway.publishEvent(event);

        await eventually(() => expect(received).toEqual(events));
        expect(received[0]).not.toBe(events[0]);
      });

      it('hands an event whose push the gateway published itself to no event handler', async () => {
        const received: DeviceEvent[] = [];
        bus.broker.onEvent((event) => {
          received.push(event);
        });
        await serve(async (env) => buildReplyEnvelope(env));
        const pushed = buildDeviceEvent({ data: { id: 1, notification: 'pushed' } });
        const after = buildDeviceEvent({ data: { id: 2, notification: 'after' } });

        // docs/adr/0021; same device, so the second one comes after the first on every transport.
        await bus.gateway.publishEvent(pushed, { pushed: true });
        await bus.gateway.publishEvent(after, { pushed: false });

        await eventually(() => expect(received).toEqual([after]));
      });

      it('delivers the events published while handling a request', async () => {
        const received: DeviceEvent[] = [];
        bus.broker.onEvent((event) => {
          received.push(event);
        });
        const event = buildDeviceEvent({ kind: 'command/insert', name: 'reboot' });
        await serve(async (env) => {
          await bus.gateway.publishEvent(event);
          return buildReplyEnvelope(env);
        });

        await bus.broker.request(request());

        await eventually(() => expect(received).toEqual([event]));
      });
    });

    describe('when no gateway serves', () => {
      it('rejects request() with a 503 error by the deadline', async () => {
        await bus.broker.start();
        const started = Date.now();

        const error = await rejectionOf(
          bus.broker.request(request({ deadline: Date.now() + timeoutMs })),
        );

        expectDhError(error, ['DH_ERR_BACKEND_UNAVAILABLE', 'DH_ERR_BACKEND_TIMEOUT']);
        expect(Date.now() - started).toBeLessThan(timeoutMs + 1_000);
      });
    });

    describe('when the broker side is closed', () => {
      it('rejects the requests still waiting with DH_ERR_BACKEND_UNAVAILABLE', async () => {
        const never = heldGate();
        await serve(async (env) => {
          await never.opened;
          return buildReplyEnvelope(env);
        });
        const waiting = rejectionOf(bus.broker.request(request()));
        await sleep(20);

        await bus.broker.close();

        expectDhError(await waiting, ['DH_ERR_BACKEND_UNAVAILABLE']);
      });

      it('rejects later requests with DH_ERR_BACKEND_UNAVAILABLE', async () => {
        await serve(async (env) => buildReplyEnvelope(env));
        await bus.broker.close();

        expectDhError(await rejectionOf(bus.broker.request(request())), [
          'DH_ERR_BACKEND_UNAVAILABLE',
        ]);
      });

      it('rejects requests sent before start() with DH_ERR_BACKEND_UNAVAILABLE', async () => {
        bus.gateway.serve(async (env) => buildReplyEnvelope(env));
        await bus.gateway.start();

        expectDhError(await rejectionOf(bus.broker.request(request())), [
          'DH_ERR_BACKEND_UNAVAILABLE',
        ]);
      });

      it('can be closed twice', async () => {
        await serve(async (env) => buildReplyEnvelope(env));

        await bus.broker.close();

        await expect(bus.broker.close()).resolves.toBeUndefined();
      });
    });

    describe('when the gateway side is closed', () => {
      it('finishes the request it is handling and delivers that reply', async () => {
        const inHandler = gate();
        const release = heldGate();
        await serve(async (env) => {
          inHandler.open();
          await release.opened;
          return buildReplyEnvelope(env, { done: true });
        });
        const reply = bus.broker.request(request());
        await inHandler.opened;

        const closed = bus.gateway.close();
        release.open();
        await closed;

        await expect(reply).resolves.toMatchObject({ reply: { done: true } });
      });

      it('answers later requests with a 503 error by their deadline', async () => {
        await serve(async (env) => buildReplyEnvelope(env));
        await bus.gateway.close();

        const error = await rejectionOf(
          bus.broker.request(request({ deadline: Date.now() + timeoutMs })),
        );

        expectDhError(error, ['DH_ERR_BACKEND_UNAVAILABLE', 'DH_ERR_BACKEND_TIMEOUT']);
      });

      it('refuses to publish events with DH_ERR_BACKEND_UNAVAILABLE', async () => {
        await serve(async (env) => buildReplyEnvelope(env));
        await bus.gateway.close();

        expectDhError(await rejectionOf(bus.gateway.publishEvent(buildDeviceEvent())), [
          'DH_ERR_BACKEND_UNAVAILABLE',
        ]);
      });
    });
  });
}
