import type { RequestEnvelope } from '@dh-mqtt/bus';
import { buildDeviceEvent, buildRequestEnvelope, gate } from '@dh-mqtt/bus/testing';
import { RequestRanAlready } from '@dh-mqtt/devicehive';
import { DhError, type JsonObject, type RequestMessage } from '@dh-mqtt/protocol';
import { HandlerRegistry } from '../handlers/handler-registry';
import { buildPrincipal, FakeDeviceHive, FakeGatewayBus, RecordingLogger } from '../testing';
import { RequestDispatcher, type RequestDispatcherOptions } from './request-dispatcher';

/** The dispatcher's steps are under test here, not the DTOs: accept what passes the rest. */
const acceptAll = (_action: string, payload: JsonObject) => ({
  ok: true as const,
  request: payload,
});

function setup(options: Partial<RequestDispatcherOptions> = {}) {
  const deviceHive = new FakeDeviceHive();
  const bus = new FakeGatewayBus();
  const logger = new RecordingLogger();
  const dispatcher = new RequestDispatcher({
    handlers: HandlerRegistry.forDeviceHive(deviceHive),
    events: bus,
    logger,
    validate: acceptAll,
    ...options,
  });
  return { dispatcher, deviceHive, bus, logger };
}

const admin = buildPrincipal();

function envelope(request: RequestMessage, overrides: Partial<RequestEnvelope> = {}) {
  return buildRequestEnvelope({ principal: admin, request, ...overrides });
}

describe(RequestDispatcher.name, () => {
  describe('when server/info is requested on an anonymous session', () => {
    it('answers through the DeviceHive port and echoes action and requestId', async () => {
      const { dispatcher, deviceHive } = setup();
      deviceHive.on('server/info', { body: { info: { apiVersion: '3.5.0' } } });
      const sent = envelope(
        { action: 'server/info', requestId: 'r-1' },
        { principal: null, clientId: 'c1' },
      );

      const reply = await dispatcher.dispatch(sent);

      expect(reply).toEqual({
        v: 1,
        id: sent.id,
        clientId: 'c1',
        brokerId: sent.brokerId,
        reply: {
          action: 'server/info',
          requestId: 'r-1',
          status: 'success',
          info: { apiVersion: '3.5.0' },
        },
      });
      expect(deviceHive.calls).toEqual([
        {
          action: 'server/info',
          request: { action: 'server/info', requestId: 'r-1' },
          context: { principal: null, clientId: 'c1' },
        },
      ]);
    });
  });

  describe('when the request carries a requestId', () => {
    it.each([['abc'], [17], [{ trace: [1, 'x'] }], [0], ['']])(
      'echoes %j unchanged',
      async (requestId) => {
        const { dispatcher } = setup();

        const { reply } = await dispatcher.dispatch(envelope({ action: 'server/info', requestId }));

        expect(reply.requestId).toEqual(requestId);
      },
    );

    it('replies requestId null when the request had none', async () => {
      const { dispatcher } = setup();

      const { reply } = await dispatcher.dispatch(envelope({ action: 'server/info' }));

      expect(reply).toEqual({ action: 'server/info', requestId: null, status: 'success' });
    });
  });

  describe('when an id field has the wrong kind (docs/api/README.md, envelope)', () => {
    it.each([
      ['networkId', 'abc'],
      ['networkId', 1.5],
      ['networkId', { id: 1 }],
      ['deviceTypeId', [1]],
      ['deviceTypeId', true],
      ['deviceId', { id: 'd1' }],
      ['deviceId', ['d1']],
    ])('replies 400 Malformed Json received. for %s = %j', async (field, value) => {
      const { dispatcher, deviceHive } = setup();

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/list', requestId: 1, [field]: value }),
      );

      expect(reply).toEqual({
        action: 'device/list',
        requestId: 1,
        code: 400,
        status: 'error',
        error: 'Malformed Json received.',
      });
      expect(deviceHive.calls).toEqual([]);
    });

    it('rejects the request before looking at the action', async () => {
      const { dispatcher } = setup();

      const { reply } = await dispatcher.dispatch(envelope({ action: 'no/such', networkId: 'x' }));

      expect(reply).toMatchObject({ code: 400, error: 'Malformed Json received.' });
    });

    it('hands numeric-string ids to the handler as numbers and device ids as strings', async () => {
      const { dispatcher, deviceHive } = setup();

      await dispatcher.dispatch(
        envelope({ action: 'device/list', networkId: '5', deviceTypeId: 7, deviceId: 12 }),
      );

      expect(deviceHive.calls[0]?.request).toMatchObject({
        networkId: 5,
        deviceTypeId: 7,
        deviceId: '12',
      });
    });
  });

  describe('when the action is unknown', () => {
    it.each([['foo/bar'], ['Server/Info'], ['__proto__'], ['constructor']])(
      'replies 400 Illegal argument: %s on that action',
      async (action) => {
        const { dispatcher, deviceHive } = setup();

        const { reply } = await dispatcher.dispatch(
          envelope({ action, requestId: 9 }, { principal: null }),
        );

        expect(reply).toEqual({
          action,
          requestId: 9,
          code: 400,
          status: 'error',
          error: `Illegal argument: ${action}`,
        });
        expect(deviceHive.calls).toEqual([]);
      },
    );
  });

  describe('when the action field is not a string', () => {
    it('replies 400 Malformed Json received. with a null action', async () => {
      const { dispatcher } = setup();
      const request = { action: 42, requestId: 1 } as unknown as RequestMessage;

      const { reply } = await dispatcher.dispatch(envelope(request));

      expect(reply).toMatchObject({ action: null, code: 400, error: 'Malformed Json received.' });
    });
  });

  describe('when the session is not authenticated (docs/api/README.md, authorization order step 2)', () => {
    it('replies 401 Unauthorized without validating or executing', async () => {
      const validate = jest.fn();
      const { dispatcher, deviceHive } = setup({ validate });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/get', requestId: 1, deviceId: 'd1' }, { principal: null }),
      );

      expect(reply).toEqual({
        action: 'device/get',
        requestId: 1,
        code: 401,
        status: 'error',
        error: 'Unauthorized',
      });
      expect(validate).not.toHaveBeenCalled();
      expect(deviceHive.calls).toEqual([]);
    });

    it.each([['authenticate'], ['token'], ['token/refresh'], ['server/info'], ['cluster/info']])(
      'still runs the no-auth action %s',
      async (action) => {
        const { dispatcher, deviceHive } = setup();

        const { reply } = await dispatcher.dispatch(envelope({ action }, { principal: null }));

        expect(reply.status).toBe('success');
        expect(deviceHive.calls.map((c) => c.action)).toEqual([action]);
      },
    );
  });

  describe('when the principal lacks the permission (§1.6 step 3)', () => {
    it('replies 403 Access is denied without validating or executing', async () => {
      const validate = jest.fn();
      const { dispatcher, deviceHive } = setup({ validate });
      const principal = buildPrincipal({ permissions: ['GetNetwork'] });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/list', requestId: 2 }, { principal }),
      );

      expect(reply).toEqual({
        action: 'device/list',
        requestId: 2,
        code: 403,
        status: 'error',
        error: 'Access is denied',
      });
      expect(validate).not.toHaveBeenCalled();
      expect(deviceHive.calls).toEqual([]);
    });

    it.each([
      [['GetDeviceNotification'], 'success'],
      [['GetDeviceCommand'], 'success'],
      [['GetDevice'], 'error'],
    ] as const)('with %j, subscription/list (any of two) is a %s', async (permissions, status) => {
      const { dispatcher } = setup();

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'subscription/list' }, { principal: buildPrincipal({ permissions }) }),
      );

      expect(reply.status).toBe(status);
    });
  });

  describe('when the DTO validation fails', () => {
    it('replies with the validation error and does not execute', async () => {
      const { dispatcher, deviceHive } = setup({
        validate: () => ({ ok: false, error: DhError.validation('notification must be a string') }),
      });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'notification/insert', requestId: 3, deviceId: 'd1' }),
      );

      expect(reply).toEqual({
        action: 'notification/insert',
        requestId: 3,
        code: 400,
        status: 'error',
        error: 'notification must be a string',
      });
      expect(deviceHive.calls).toEqual([]);
    });

    it('passes the parsed request in and executes the validated one', async () => {
      const validate = jest.fn((_action: string, payload: JsonObject) => ({
        ok: true as const,
        request: { ...payload, take: 20 },
      }));
      const { dispatcher, deviceHive } = setup({ validate });

      await dispatcher.dispatch(envelope({ action: 'device/list', networkId: '3' }));

      expect(validate).toHaveBeenCalledWith('device/list', { action: 'device/list', networkId: 3 });
      expect(deviceHive.calls[0]?.request).toMatchObject({ networkId: 3, take: 20 });
    });
  });

  describe('when the protocol DTOs validate (the default)', () => {
    it('replies 400 naming the bad field and does not execute', async () => {
      const { dispatcher, deviceHive } = setup({ validate: undefined });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/list', requestId: 8, take: -1 }),
      );

      expect(reply).toMatchObject({ action: 'device/list', requestId: 8, code: 400 });
      expect(reply['error']).toMatch(/take/);
      expect(deviceHive.calls).toEqual([]);
    });

    it('executes a valid request', async () => {
      const { dispatcher, deviceHive } = setup({ validate: undefined });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/list', requestId: 8, take: 5 }),
      );

      expect(reply.status).toBe('success');
      expect(deviceHive.calls[0]?.request).toMatchObject({ take: 5 });
    });
  });

  describe('when the action fails with a DhError', () => {
    it('replies with its status and text', async () => {
      const { dispatcher, deviceHive } = setup();
      deviceHive.on('device/get', async () => {
        throw new DhError('DEVICE_NOT_FOUND', 'd9');
      });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/get', requestId: 4, deviceId: 'd9' }),
      );

      expect(reply).toEqual({
        action: 'device/get',
        requestId: 4,
        code: 404,
        status: 'error',
        error: 'Device with such deviceId = d9 not found',
      });
    });
  });

  describe('when the action fails with anything else', () => {
    it('replies 500 Internal server error, logs the cause and does not leak it', async () => {
      const { dispatcher, deviceHive, logger } = setup();
      const cause = new Error('duplicate key value violates unique constraint "device_pkey"');
      deviceHive.on('device/save', async () => {
        throw cause;
      });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/save', requestId: 5 }, { clientId: 'c5' }),
      );

      expect(reply).toEqual({
        action: 'device/save',
        requestId: 5,
        code: 500,
        status: 'error',
        error: 'Internal server error',
      });
      expect(JSON.stringify(reply)).not.toContain('constraint');
      expect(logger.entries).toEqual([
        expect.objectContaining({
          level: 'error',
          fields: expect.objectContaining({ err: cause, action: 'device/save', clientId: 'c5' }),
        }),
      ]);
    });
  });

  describe('when the action produces device events', () => {
    it('publishes them, in order, before returning the reply', async () => {
      const acked = gate();
      const published: string[] = [];
      const events = {
        async publishEvent(event: { name: string }) {
          await acked.opened;
          published.push(event.name);
        },
      };
      const { dispatcher, deviceHive } = setup({ events });
      deviceHive.on('command/insert', {
        body: { command: { id: 1 } },
        events: [buildDeviceEvent({ name: 'a' }), buildDeviceEvent({ name: 'b' })],
      });
      let replied = false;

      const reply = dispatcher
        .dispatch(envelope({ action: 'command/insert', deviceId: 'd1' }))
        .then((r) => ((replied = true), r));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(replied).toBe(false);
      acked.open();

      expect((await reply).reply).toMatchObject({ status: 'success', command: { id: 1 } });
      expect(published).toEqual(['a', 'b']);
    });

    it('replies 503 and logs when an event cannot be published', async () => {
      const { dispatcher, deviceHive, bus, logger } = setup();
      bus.failWith = new Error('broker transport is down');
      deviceHive.on('notification/insert', { body: {}, events: [buildDeviceEvent()] });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'notification/insert', deviceId: 'd1' }),
      );

      expect(reply).toMatchObject({ code: 503, status: 'error', error: 'Service unavailable' });
      expect(logger.entries.map((e) => e.level)).toEqual(['error']);
    });
  });

  describe('when the outcome changes the session', () => {
    it('returns an authenticate effect with the new principal', async () => {
      const { dispatcher, deviceHive } = setup();
      const principal = buildPrincipal({ userId: 7, login: 'alice' });
      deviceHive.on('authenticate', { body: {}, principal });

      const reply = await dispatcher.dispatch(
        envelope({ action: 'authenticate', token: 't' }, { principal: null }),
      );

      expect(reply.effect).toEqual({ kind: 'authenticate', principal });
    });

    it('returns a subscribe effect with the subscription and its replay', async () => {
      const { dispatcher, deviceHive } = setup();
      const subscription = {
        subscriptionId: 11,
        type: 'notification' as const,
        deviceId: 'd1',
        networkIds: null,
        deviceTypeIds: null,
        names: null,
        timestamp: null,
        returnUpdatedCommands: false,
        filters: [{ networkId: null, deviceTypeId: null, deviceId: 'd1', name: null }],
      };
      deviceHive.on('notification/subscribe', {
        body: { subscriptionId: 11 },
        subscription,
        replay: [buildDeviceEvent()],
      });

      const reply = await dispatcher.dispatch(
        envelope({ action: 'notification/subscribe', deviceId: 'd1' }),
      );

      expect(reply.reply).toMatchObject({ status: 'success', subscriptionId: 11 });
      expect(reply.effect).toEqual({
        kind: 'subscribe',
        subscription,
        replay: [buildDeviceEvent()],
      });
    });

    it('returns no effect for an ordinary action', async () => {
      const { dispatcher } = setup();

      const reply = await dispatcher.dispatch(envelope({ action: 'device/list' }));

      expect(reply).not.toHaveProperty('effect');
    });
  });

  describe('when the same envelope arrives twice', () => {
    it('answers the second with the first reply without executing again', async () => {
      const { dispatcher, deviceHive } = setup();
      let n = 0;
      deviceHive.on('notification/insert', async () => ({ body: { notification: { id: ++n } } }));
      const sent = envelope({ action: 'notification/insert', deviceId: 'd1' });

      const first = await dispatcher.dispatch(sent);
      const second = await dispatcher.dispatch({ ...sent });

      expect(second).toEqual(first);
      expect(deviceHive.calls).toHaveLength(1);
    });

    it('executes once when the copies arrive concurrently', async () => {
      const { dispatcher, deviceHive } = setup();
      const sent = envelope({ action: 'device/list' });

      await Promise.all([dispatcher.dispatch(sent), dispatcher.dispatch(sent)]);

      expect(deviceHive.calls).toHaveLength(1);
    });

    it('executes again once the remembered reply has expired', async () => {
      let now = 1_000;
      const { dispatcher, deviceHive } = setup({ now: () => now, dedup: { ttlMs: 100 } });
      const sent = envelope({ action: 'device/list' }, { deadline: Number.MAX_SAFE_INTEGER });

      await dispatcher.dispatch(sent);
      now += 101;
      await dispatcher.dispatch(sent);

      expect(deviceHive.calls).toHaveLength(2);
    });

    it('forgets the least recently used reply beyond maxEntries', async () => {
      const { dispatcher, deviceHive } = setup({ dedup: { maxEntries: 2 } });
      const byId = (id: string) => envelope({ action: 'device/list' }, { id });

      for (const id of ['a', 'b', 'a', 'c', 'a', 'b']) await dispatcher.dispatch(byId(id));

      // a stays (used again before c came), b is evicted by c and runs twice
      expect(deviceHive.calls).toHaveLength(4);
    });

    it('executes every copy when de-duplication is off', async () => {
      const { dispatcher, deviceHive } = setup({ dedup: { maxEntries: 0 } });
      const sent = envelope({ action: 'device/list' });

      await dispatcher.dispatch(sent);
      await dispatcher.dispatch(sent);

      expect(deviceHive.calls).toHaveLength(2);
    });
  });

  describe('when another gateway may get the same envelope (a shared ledger)', () => {
    /** A ledger as the database keeps it: the first claim of an id wins. */
    function sharedLedger() {
      const claimed = new Set<string>();
      const claims: string[] = [];
      return {
        claims,
        ledger: {
          claim: async (id: string) => {
            claims.push(id);
            if (claimed.has(id)) return false;
            claimed.add(id);
            return true;
          },
        },
      };
    }

    it('runs a changing action on the first gateway only; the second answers 503', async () => {
      const { ledger, claims } = sharedLedger();
      const first = setup({ ledger });
      const second = setup({ ledger });
      const sent = envelope({ action: 'notification/insert', deviceId: 'd1', requestId: 5 });

      const firstReply = await first.dispatcher.dispatch(sent);
      const secondReply = await second.dispatcher.dispatch({ ...sent });

      expect(firstReply.reply).toMatchObject({ status: 'success', requestId: 5 });
      expect(secondReply.reply).toEqual({
        action: 'notification/insert',
        requestId: 5,
        status: 'error',
        code: 503,
        error: 'Service unavailable',
      });
      expect(first.deviceHive.calls).toHaveLength(1);
      expect(second.deviceHive.calls).toEqual([]);
      expect(claims).toEqual([sent.id, sent.id]);
      expect(second.logger.entries.map((e) => e.message)).toContain(
        'request delivered again after another gateway ran it; not run twice',
      );
    });

    it('never claims for an action that changes nothing', async () => {
      const { ledger, claims } = sharedLedger();
      const { dispatcher, deviceHive } = setup({ ledger });

      for (const action of ['server/info', 'device/list', 'notification/list', 'authenticate']) {
        await dispatcher.dispatch(envelope({ action, token: 't' }));
      }

      expect(claims).toEqual([]);
      expect(deviceHive.calls).toHaveLength(4);
    });

    it('claims only requests that passed authorization and validation', async () => {
      const { ledger, claims } = sharedLedger();
      const { dispatcher } = setup({ ledger });

      await dispatcher.dispatch(
        envelope({ action: 'notification/insert', deviceId: 'd1' }, { principal: null }),
      );
      await dispatcher.dispatch(envelope({ action: 'no/such/action' }));

      expect(claims).toEqual([]);
    });

    describe('when the action makes its claim with its write (ADR 0019)', () => {
      it('passes the envelope id to the action and does not claim it first', async () => {
        const { ledger, claims } = sharedLedger();
        const { dispatcher, deviceHive } = setup({ ledger });
        deviceHive.claimingActions.add('notification/insert');
        const insert = envelope({ action: 'notification/insert', deviceId: 'd1' });
        const save = envelope({ action: 'device/save', deviceId: 'd1' });

        await dispatcher.dispatch(insert);
        await dispatcher.dispatch(save);

        expect(deviceHive.calls.map((c) => [c.action, c.context.ledgerClaim])).toEqual([
          ['notification/insert', insert.id],
          ['device/save', undefined],
        ]);
        expect(claims).toEqual([save.id]);
      });

      it('answers 503, logs and counts it when the claim was made before', async () => {
        const { dispatcher, deviceHive, logger } = setup({ ledger: sharedLedger().ledger });
        deviceHive.claimingActions.add('notification/insert');
        deviceHive.on('notification/insert', () => Promise.reject(new RequestRanAlready()));

        const { reply } = await dispatcher.dispatch(
          envelope({ action: 'notification/insert', deviceId: 'd1', requestId: 9 }),
        );

        expect(reply).toEqual({
          action: 'notification/insert',
          requestId: 9,
          status: 'error',
          code: 503,
          error: 'Service unavailable',
        });
        expect(logger.entries.map((e) => e.message)).toContain(
          'request delivered again after another gateway ran it; not run twice',
        );
      });

      it('passes no claim without a ledger (the in-process bus never delivers twice)', async () => {
        const { dispatcher, deviceHive } = setup();
        deviceHive.claimingActions.add('notification/insert');

        await dispatcher.dispatch(envelope({ action: 'notification/insert', deviceId: 'd1' }));

        expect(deviceHive.calls[0]?.context.ledgerClaim).toBeUndefined();
      });
    });

    it('answers 503 without running when the ledger cannot be reached', async () => {
      const ledger = { claim: () => Promise.reject(new Error('connect ECONNREFUSED')) };
      const { dispatcher, deviceHive, logger } = setup({ ledger });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/save', deviceId: 'd' }),
      );

      expect(reply).toMatchObject({ status: 'error', code: 503 });
      expect(deviceHive.calls).toEqual([]);
      expect(logger.entries.map((e) => e.message)).toContain('request ledger unavailable');
    });
  });

  describe('when the deadline has already passed', () => {
    it('replies 503 with the timeout text without executing', async () => {
      const { dispatcher, deviceHive } = setup({ requestTimeoutMs: 2_500 });

      const { reply } = await dispatcher.dispatch(
        envelope({ action: 'device/list', requestId: 6 }, { deadline: Date.now() - 1 }),
      );

      expect(reply).toEqual({
        action: 'device/list',
        requestId: 6,
        code: 503,
        status: 'error',
        error: 'Service unavailable: no reply within 2500 ms',
      });
      expect(deviceHive.calls).toEqual([]);
    });
  });
});
