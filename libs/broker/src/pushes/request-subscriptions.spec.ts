import type { ReplyEnvelope, RequestEnvelope } from '@dh-mqtt/bus';
import type { DeviceEvent, RequestSubscription } from '@dh-mqtt/protocol';
import type { MqttClient } from 'mqtt';
import { Inbox, acceptLogins, replyTo, startTestBroker, type TestBroker } from '../testing';
import { activateRequestSubscriptions } from './local-pushes';
import { PRINCIPALS, commandEvent, notificationEvent } from '../testing/pushes.fixtures';

const QUIET_MS = 150;
const settle = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describe(activateRequestSubscriptions.name, () => {
  let t: TestBroker;
  let nextSubscriptionId: number;
  /** What the fake gateway replays after the next subscribe reply. */
  let replay: DeviceEvent[];

  /**
   * The gateway's side of `*\/subscribe` (docs/api/subscriptions.md), filters
   * simplified.
   */
  async function gateway(envelope: RequestEnvelope): Promise<ReplyEnvelope> {
    const { action } = envelope.request;
    if (action !== 'notification/subscribe' && action !== 'command/subscribe') {
      return replyTo(envelope);
    }
    const request = envelope.request as Record<string, unknown>;
    const deviceId = (request['deviceId'] as string | undefined) ?? null;
    const subscription: RequestSubscription = {
      subscriptionId: nextSubscriptionId++,
      type: action === 'command/subscribe' ? 'command' : 'notification',
      deviceId,
      networkIds: (request['networkIds'] as number[] | undefined) ?? null,
      deviceTypeIds: null,
      names: (request['names'] as string[] | undefined) ?? null,
      timestamp: null,
      returnUpdatedCommands: request['returnUpdatedCommands'] === true,
      filters: deviceId ? [{ networkId: 1, deviceTypeId: 1, deviceId, name: null }] : null,
    };
    return {
      ...replyTo(envelope, { subscriptionId: subscription.subscriptionId }),
      effect: { kind: 'subscribe', subscription, replay: replay.splice(0) },
    };
  }

  beforeEach(async () => {
    t = await startTestBroker();
    nextSubscriptionId = 1518103722145001;
    replay = [];
    acceptLogins(t.bus, PRINCIPALS, gateway);
  });

  afterEach(async () => {
    await t.close();
  });

  async function user(
    clientId: string,
    login?: string,
    clean = true,
  ): Promise<[MqttClient, Inbox]> {
    const credentials = login ? { username: login, password: 'x' } : {};
    const client = await t.connect(clientId, { ...credentials, clean });
    const inbox = new Inbox(client);
    await client.subscribeAsync(`dh/response/#`, { qos: 1 });
    return [client, inbox];
  }

  function request(client: MqttClient, body: object): Promise<unknown> {
    return client.publishAsync('dh/request', JSON.stringify(body), { qos: 1 });
  }

  /** Sends a request and returns the payload of its reply (the next message). */
  async function ask(
    client: MqttClient,
    inbox: Inbox,
    body: object,
  ): Promise<Record<string, unknown>> {
    await request(client, body);
    const reply = await inbox.next();
    expect(reply.topic).toMatch(/^dh\/response\//);
    return reply.payload as Record<string, unknown>;
  }

  describe('when a client subscribes by request', () => {
    it('pushes matching events on the concrete topic with its subscriptionId, no MQTT subscription needed', async () => {
      const [client, inbox] = await user('c', 'admin');
      const reply = await ask(client, inbox, {
        action: 'notification/subscribe',
        requestId: 1,
        deviceId: 'd1',
      });
      expect(reply).toMatchObject({ status: 'success', subscriptionId: 1518103722145001 });
      const event = notificationEvent();

      await t.bus.emit(notificationEvent({ deviceId: 'other' }));
      await t.bus.emit(event);

      expect(await inbox.next()).toEqual({
        topic: 'dh/notification/1/1/d1/temp',
        qos: 1,
        payload: {
          action: 'notification/insert',
          notification: event.data,
          subscriptionId: 1518103722145001,
        },
      });
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('delivers the replay after the reply, in order, then live events', async () => {
      const [client, inbox] = await user('c', 'admin');
      const stored = [notificationEvent({ name: 'first' }), notificationEvent({ name: 'second' })];
      replay = stored;

      await request(client, { action: 'notification/subscribe', requestId: 'r', timestamp: 0 });
      const arrivals = [await inbox.next(), await inbox.next(), await inbox.next()];
      await t.bus.emit(notificationEvent({ name: 'live' }));
      arrivals.push(await inbox.next());

      expect(arrivals.map((m) => m.topic)).toEqual([
        'dh/response/notification/subscribe@c',
        'dh/notification/1/1/d1/first',
        'dh/notification/1/1/d1/second',
        'dh/notification/1/1/d1/live',
      ]);
      expect(
        arrivals.slice(1).map((m) => (m.payload as { subscriptionId: number }).subscriptionId),
      ).toEqual([1518103722145001, 1518103722145001, 1518103722145001]);
    });

    it('delivers command updates, not inserts, to a returnUpdatedCommands subscription of anyone', async () => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, { action: 'command/subscribe', returnUpdatedCommands: true });

      await t.bus.emit(commandEvent('command/insert', 'someone-else'));
      await t.bus.emit(commandEvent('command/update', 'someone-else'));

      expect(await inbox.next()).toMatchObject({
        topic: 'dh/command_update/1/1/d1/light',
        payload: { action: 'command/update', subscriptionId: 1518103722145001 },
      });
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('pushes once per matching subscription, and once more for a matching topic filter', async () => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, { action: 'notification/subscribe' });
      await ask(client, inbox, { action: 'notification/subscribe', names: ['temp'] });
      await client.subscribeAsync('dh/notification/#', { qos: 1 });

      await t.bus.emit(notificationEvent());

      await settle();
      expect(
        inbox.messages
          .slice(2)
          .map((m) => (m.payload as { subscriptionId: number | null }).subscriptionId)
          .sort(),
      ).toEqual([1518103722145001, 1518103722145002, null]);
    });

    it('never pushes events its principal may not see', async () => {
      const [client, inbox] = await user('c', 'client1');
      await ask(client, inbox, { action: 'notification/subscribe' });

      await t.bus.emit(notificationEvent({ networkId: 2, deviceId: 'd2' }));
      await t.bus.emit(notificationEvent());

      expect((await inbox.next()).topic).toBe('dh/notification/1/1/d1/temp');
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('ends the subscriptions with the connection, even for a persistent session', async () => {
      const [client, inbox] = await user('c', 'admin', false);
      await ask(client, inbox, { action: 'notification/subscribe' });
      await t.bus.emit(notificationEvent());
      expect((await inbox.next()).topic).toBe('dh/notification/1/1/d1/temp');
      await client.endAsync();
      const again = await t.connect('c', { username: 'admin', password: 'x', clean: false });
      const againInbox = new Inbox(again);

      await t.bus.emit(notificationEvent());

      expect(await againInbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });

  describe('when the client unsubscribes', () => {
    it('stops that subscription only', async () => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, { action: 'notification/subscribe', names: ['temp'] });
      await ask(client, inbox, { action: 'notification/subscribe', names: ['humidity'] });

      const reply = await ask(client, inbox, {
        action: 'notification/unsubscribe',
        requestId: 2,
        subscriptionId: 1518103722145001,
      });
      await t.bus.emit(notificationEvent());
      await t.bus.emit(notificationEvent({ name: 'humidity' }));

      expect(reply).toEqual({
        action: 'notification/unsubscribe',
        requestId: 2,
        status: 'success',
      });
      expect((await inbox.next()).topic).toBe('dh/notification/1/1/d1/humidity');
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
      expect(t.bus.requests.map((r) => r.request.action)).not.toContain('notification/unsubscribe');
    });

    it('stops every subscription of that type when no id is given', async () => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, { action: 'notification/subscribe' });
      await ask(client, inbox, { action: 'notification/subscribe', names: ['temp'] });
      await ask(client, inbox, { action: 'command/subscribe' });

      await ask(client, inbox, { action: 'notification/unsubscribe' });
      await t.bus.emit(notificationEvent());
      await t.bus.emit(commandEvent('command/insert', null));

      expect((await inbox.next()).topic).toBe('dh/command/1/1/d1/light');
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it.each([
      ['an unknown id', 'notification/unsubscribe', 42],
      ['the id of a command subscription', 'notification/unsubscribe', 1518103722145001],
    ])('answers 404 for %s', async (_, action, subscriptionId) => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, { action: 'command/subscribe' });
      expect(await ask(client, inbox, { action, requestId: 3, subscriptionId })).toEqual({
        action,
        requestId: 3,
        code: 404,
        status: 'error',
        error: `Subscription with id ${subscriptionId} was not found`,
      });
    });

    it("answers 404 for another connection's subscription and leaves it running", async () => {
      const [owner, ownerInbox] = await user('owner', 'admin');
      const [other, otherInbox] = await user('other', 'admin');
      await ask(owner, ownerInbox, { action: 'notification/subscribe' });

      expect(
        await ask(other, otherInbox, {
          action: 'notification/unsubscribe',
          subscriptionId: 1518103722145001,
        }),
      ).toMatchObject({ code: 404 });
      await t.bus.emit(notificationEvent());
      expect((await ownerInbox.next()).topic).toBe('dh/notification/1/1/d1/temp');
    });
  });

  describe('when the client lists its subscriptions', () => {
    it('lists request-made ones and MQTT event filters, filtered by type', async () => {
      const [client, inbox] = await user('c', 'admin');
      await ask(client, inbox, {
        action: 'notification/subscribe',
        deviceId: 'd1',
        names: ['temp'],
      });
      await ask(client, inbox, { action: 'command/subscribe', networkIds: [1] });
      await client.subscribeAsync('dh/notification/1/+/d1/#', { qos: 1 });
      await client.subscribeAsync('dh/command_update/1/2/+/light', { qos: 1 });
      await client.subscribeAsync('room/#', { qos: 1 });

      const all = await ask(client, inbox, { action: 'subscription/list', requestId: 9 });
      const commands = await ask(client, inbox, { action: 'subscription/list', type: 'command' });
      const none = await ask(client, inbox, { action: 'subscription/list', type: 'other' });

      expect(all).toEqual({
        action: 'subscription/list',
        requestId: 9,
        status: 'success',
        subscriptions: [
          {
            subscriptionId: 1518103722145001,
            type: 'notification',
            deviceId: 'd1',
            networkIds: null,
            deviceTypeIds: null,
            names: ['temp'],
            timestamp: null,
          },
          {
            subscriptionId: 1518103722145002,
            type: 'command',
            deviceId: null,
            networkIds: [1],
            deviceTypeIds: null,
            names: null,
            timestamp: null,
          },
          {
            subscriptionId: null,
            type: 'notification',
            deviceId: 'd1',
            networkIds: [1],
            deviceTypeIds: null,
            names: null,
            timestamp: null,
            topic: 'dh/notification/1/+/d1/#',
          },
          {
            subscriptionId: null,
            type: 'command',
            deviceId: null,
            networkIds: [1],
            deviceTypeIds: [2],
            names: ['light'],
            timestamp: null,
            topic: 'dh/command_update/1/2/+/light',
          },
        ],
      });
      expect((commands['subscriptions'] as Array<{ type: string }>).map((s) => s.type)).toEqual([
        'command',
        'command',
      ]);
      expect(none['subscriptions']).toEqual([]);
      expect(t.bus.requests.map((r) => r.request.action)).not.toContain('subscription/list');
    });

    it('leaves out command subscriptions without GetDeviceCommand', async () => {
      const [client, inbox] = await user('c', 'notifier');
      await client.subscribeAsync('dh/notification/#', { qos: 1 });
      const list = await ask(client, inbox, { action: 'subscription/list' });
      expect((list['subscriptions'] as Array<{ type: string }>).map((s) => s.type)).toEqual([
        'notification',
      ]);
    });
  });

  describe('when the session may not use the broker-answered actions', () => {
    it.each([['subscription/list'], ['notification/unsubscribe'], ['command/unsubscribe']])(
      'answers %s with 403 without either permission and 401 when anonymous',
      async (action) => {
        const [blind, blindInbox] = await user('blind', 'blind');
        const [anon, anonInbox] = await user('anon');
        expect(await ask(blind, blindInbox, { action, requestId: 1 })).toEqual({
          action,
          requestId: 1,
          code: 403,
          status: 'error',
          error: 'Access is denied',
        });
        expect(await ask(anon, anonInbox, { action, requestId: 1 })).toMatchObject({
          code: 401,
          error: 'Unauthorized',
        });
      },
    );
  });
});
