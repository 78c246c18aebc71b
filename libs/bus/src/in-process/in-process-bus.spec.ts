import { isDhError, type DeviceEvent } from '@dh-mqtt/protocol';
import {
  buildDeviceEvent,
  buildReplyEnvelope,
  buildRequestEnvelope,
  busContractSuite,
  gate,
} from '../testing';
import { createInProcessBus, type InProcessBus } from './in-process-bus';

busContractSuite('in-process bus', () => createInProcessBus());

describe(createInProcessBus.name, () => {
  let bus: InProcessBus;

  afterEach(async () => {
    await bus.broker.close();
    await bus.gateway.close();
  });

  async function startWith(handler: Parameters<InProcessBus['gateway']['serve']>[0]) {
    bus.gateway.serve(handler);
    await bus.gateway.start();
    await bus.broker.start();
  }

  describe('when requestTimeoutMs is shorter than the envelope deadline', () => {
    it('times out after requestTimeoutMs and says so in the error text', async () => {
      bus = createInProcessBus({ requestTimeoutMs: 50 });
      const release = gate();
      await startWith(async (env) => {
        await release.opened;
        return buildReplyEnvelope(env);
      });

      const outcome = bus.broker.request(buildRequestEnvelope({ deadline: Date.now() + 60_000 }));

      await expect(outcome).rejects.toMatchObject({
        code: 'DH_ERR_BACKEND_TIMEOUT',
        message: 'Service unavailable: no reply within 50 ms',
      });
      release.open();
    });
  });

  describe('when the request handler throws', () => {
    it('rejects request() with DH_ERR_INTERNAL instead of waiting for the deadline', async () => {
      bus = createInProcessBus();
      await startWith(async () => {
        throw new Error('relation "device" does not exist');
      });

      const error = await bus.broker.request(buildRequestEnvelope()).catch((e: unknown) => e);

      expect(isDhError(error) && error.code).toBe('DH_ERR_INTERNAL');
      expect((error as Error).message).toBe('Internal server error');
    });
  });

  describe('when the gateway closes with requests queued behind a slow one', () => {
    it('rejects the queued requests with DH_ERR_BACKEND_UNAVAILABLE without handling them', async () => {
      bus = createInProcessBus();
      const inHandler = gate();
      const release = gate();
      const handled: unknown[] = [];
      await startWith(async (env) => {
        handled.push(env.request.requestId);
        inHandler.open();
        await release.opened;
        return buildReplyEnvelope(env);
      });
      const first = bus.broker.request(
        buildRequestEnvelope({ request: { action: 'server/info', requestId: 1 } }),
      );
      const queued = bus.broker
        .request(buildRequestEnvelope({ request: { action: 'server/info', requestId: 2 } }))
        .catch((e: unknown) => e);
      await inHandler.opened;

      const closed = bus.gateway.close();
      release.open();
      await closed;

      await expect(first).resolves.toMatchObject({ reply: { requestId: 1 } });
      expect(isDhError(await queued) && (await queued)).toMatchObject({
        code: 'DH_ERR_BACKEND_UNAVAILABLE',
      });
      expect(handled).toEqual([1]);
    });
  });

  describe('when a broker event handler throws', () => {
    it('reports the error and still delivers the event to the other handlers', async () => {
      const errors: unknown[] = [];
      bus = createInProcessBus({ onEventHandlerError: (error) => errors.push(error) });
      const received: DeviceEvent[] = [];
      bus.broker.onEvent(() => {
        throw new Error('push failed');
      });
      bus.broker.onEvent((event) => {
        received.push(event);
      });
      await startWith(async (env) => buildReplyEnvelope(env));
      const event = buildDeviceEvent();

      await bus.gateway.publishEvent(event);

      expect(received).toEqual([event]);
      expect(errors).toEqual([new Error('push failed')]);
    });
  });

  describe('when a request carries values JSON cannot carry', () => {
    it('delivers them as they would arrive over Kafka', async () => {
      bus = createInProcessBus();
      const seen: unknown[] = [];
      await startWith(async (env) => {
        seen.push(env.request);
        return buildReplyEnvelope(env);
      });

      await bus.broker.request(
        buildRequestEnvelope({
          request: { action: 'server/info', requestId: 1, gone: undefined, at: new Date(0) },
        }),
      );

      expect(seen).toEqual([
        { action: 'server/info', requestId: 1, at: '1970-01-01T00:00:00.000Z' },
      ]);
    });
  });
});
