import type { MqttClient } from 'mqtt';
import {
  Inbox,
  acceptLogins,
  grantedQos,
  replyTo,
  startTestBroker,
  type Received,
  type TestBroker,
} from '../testing';
import { PRINCIPALS, commandEvent, notificationEvent } from '../testing/pushes.fixtures';
import { publishEvent } from './publish-event';

const QUIET_MS = 150;

describe(publishEvent.name, () => {
  let t: TestBroker;

  beforeEach(async () => {
    t = await startTestBroker();
    acceptLogins(t.bus, PRINCIPALS);
  });

  afterEach(async () => {
    await t.close();
  });

  /** A client logged in as `login` (CONNECT username), with its inbox. */
  async function user(clientId: string, login?: string): Promise<[MqttClient, Inbox]> {
    const client = await t.connect(clientId, login ? { username: login, password: 'x' } : {});
    return [client, new Inbox(client)];
  }

  /** Subscribes to `filters` at QoS 1, expecting them all granted. */
  async function subscribe(client: MqttClient, ...filters: string[]): Promise<void> {
    for (const filter of filters) expect(await grantedQos(client, filter)).toBe(1);
  }

  /** Lets every push in flight arrive (the assertions then also see any extra copy). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

  const topics = (messages: Received[]) => messages.map((m) => m.topic);

  describe('when a notification event arrives from the bus', () => {
    it('publishes the §5 push once on its concrete topic at QoS 1, not retained', async () => {
      const [admin, inbox] = await user('a1', 'admin');
      await subscribe(admin, 'dh/notification/#');
      const event = notificationEvent();

      await t.bus.emit(event);

      const push = await inbox.next();
      expect(push).toEqual({
        topic: 'dh/notification/1/1/d1/temp',
        qos: 1,
        payload: { action: 'notification/insert', notification: event.data, subscriptionId: null },
      });
      expect(Object.keys(push.payload as object)).toEqual([
        'action',
        'notification',
        'subscriptionId',
      ]);
      const late = await t.connect('late', { username: 'admin', password: 'x' });
      const lateInbox = new Inbox(late);
      await subscribe(late, 'dh/notification/#');
      expect(await lateInbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });

  describe('when several subscribers hold overlapping filters', () => {
    it('gives each subscriber every event exactly once', async () => {
      const [a, aInbox] = await user('a', 'admin');
      const [b, bInbox] = await user('b', 'admin');
      const [c, cInbox] = await user('c', 'admin');
      await subscribe(a, 'dh/notification/#', 'dh/notification/1/#', 'dh/notification/+/1/d1/+');
      await subscribe(b, 'dh/#', '#', 'dh/notification/1/1/d1/temp');
      await subscribe(c, 'dh/notification/1/+/+/temp');

      for (const name of ['temp', 'temp', 'humidity'])
        await t.bus.emit(notificationEvent({ name }));

      await settle();
      const expected = [
        'dh/notification/1/1/d1/temp',
        'dh/notification/1/1/d1/temp',
        'dh/notification/1/1/d1/humidity',
      ];
      expect(topics(aInbox.messages)).toEqual(expected);
      expect(topics(bInbox.messages)).toEqual(expected);
      expect(topics(cInbox.messages)).toEqual(expected.slice(0, 2));
      expect(aInbox.messages.every((m) => m.qos === 1)).toBe(true);
    });

    it('loses no QoS 1 push overtaken by a QoS 0 publish (aedes counter dedupe regression)', async () => {
      const [admin, inbox] = await user('a', 'admin');
      await subscribe(admin, 'dh/notification/#', 'room/#');

      const pushed = t.bus.emit(notificationEvent());
      t.broker.aedes.publish(
        {
          cmd: 'publish',
          topic: 'room/1',
          payload: Buffer.from('x'),
          qos: 0,
          retain: false,
          dup: false,
        },
        () => undefined,
      );
      await pushed;

      await settle();
      expect(topics(inbox.messages).sort()).toEqual(['dh/notification/1/1/d1/temp', 'room/1']);
    });
  });

  describe('when the subscriber may not see the event', () => {
    it('keeps network 2 events from a CLIENT user assigned to network 1', async () => {
      const [client, inbox] = await user('c1', 'client1');
      await subscribe(client, 'dh/notification/#', 'dh/command/#');

      await t.bus.emit(notificationEvent({ networkId: 2, deviceId: 'd2' }));
      await t.bus.emit(commandEvent('command/insert', null, { networkId: 2, deviceId: 'd2' }));
      await t.bus.emit(notificationEvent());

      await settle();
      expect(topics(inbox.messages)).toEqual(['dh/notification/1/1/d1/temp']);
    });

    it('keeps commands from a session without GetDeviceCommand, notifications still flow', async () => {
      const [client, inbox] = await user('n', 'notifier');
      await subscribe(client, 'dh/#');

      await t.bus.emit(commandEvent('command/insert', null));
      await t.bus.emit(notificationEvent());

      await settle();
      expect(topics(inbox.messages)).toEqual(['dh/notification/1/1/d1/temp']);
    });

    it('delivers nothing to a session without either permission subscribed to #', async () => {
      const [client, inbox] = await user('blind', 'blind');
      await subscribe(client, '#', 'dh/#');
      await t.bus.emit(notificationEvent());
      await t.bus.emit(commandEvent('command/insert', 'blind'));
      await t.bus.emit(commandEvent('command/update', 'blind'));
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('delivers nothing to an anonymous session subscribed to #', async () => {
      const [client, inbox] = await user('anon');
      await subscribe(client, '#');
      await t.bus.emit(notificationEvent());
      await t.bus.emit(commandEvent('command/insert', 'anon'));
      await t.bus.emit(commandEvent('command/update', 'anon'));
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });

  describe('when a command is updated', () => {
    it('pushes the update to the connection that inserted the command only', async () => {
      const [origin, originInbox] = await user('origin', 'admin');
      const [other, otherInbox] = await user('other', 'admin');
      await subscribe(origin, 'dh/command_update/#', 'dh/command/#');
      await subscribe(other, 'dh/command_update/#', 'dh/command/#');
      const update = commandEvent('command/update', 'origin');

      await t.bus.emit(commandEvent('command/insert', 'origin'));
      await t.bus.emit(update);

      await settle();
      expect(topics(originInbox.messages)).toEqual([
        'dh/command/1/1/d1/light',
        'dh/command_update/1/1/d1/light',
      ]);
      expect(originInbox.messages[1].payload).toEqual({
        action: 'command/update',
        command: update.data,
        subscriptionId: null,
      });
      expect(topics(otherInbox.messages)).toEqual(['dh/command/1/1/d1/light']);
    });

    it('pushes an update without origin (a remote DeviceHive) to the session that inserted it here', async () => {
      const [origin, originInbox] = await user('origin', 'admin');
      const [other, otherInbox] = await user('other', 'admin');
      await subscribe(origin, 'dh/command_update/#', 'dh/response/command/insert@origin');
      await subscribe(other, 'dh/command_update/#');
      t.bus.handler = async (envelope) =>
        replyTo(envelope, { command: { id: 9001, timestamp: 'T', lastUpdated: 'T', userId: 1 } });
      await origin.publishAsync(
        'dh/request',
        JSON.stringify({ action: 'command/insert', requestId: 1, deviceId: 'd1', command: {} }),
        { qos: 1 },
      );
      expect((await originInbox.next()).topic).toBe('dh/response/command/insert@origin');
      const update = commandEvent('command/update', null);
      update.data['id'] = 9001;

      await t.bus.emit(update);
      await t.bus.emit(commandEvent('command/update', null)); // another command: nobody's

      await settle();
      expect(originInbox.messages.slice(1)).toEqual([
        {
          topic: 'dh/command_update/1/1/d1/light',
          qos: 1,
          payload: { action: 'command/update', command: update.data, subscriptionId: null },
        },
      ]);
      expect(otherInbox.messages).toEqual([]);
    });

    it('pushes an update whose origin is unknown to nobody', async () => {
      const [admin, inbox] = await user('a', 'admin');
      await subscribe(admin, 'dh/command_update/#');
      await t.bus.emit(commandEvent('command/update', null));
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });

  describe('when a client subscribes to a private event topic', () => {
    it('pushes matching events on {topic}@{clientId} to it alone', async () => {
      const [me, inbox] = await user('me', 'admin');
      const [spy, spyInbox] = await user('spy', 'admin');
      await subscribe(me, 'dh/notification/1/+/+/temp@me', 'dh/command_update/+/+/+/light@me');
      expect(await grantedQos(spy, 'dh/notification/1/+/+/temp@me')).toBe(128);
      await subscribe(spy, 'dh/notification/1/1/d1/humidity');

      await t.bus.emit(notificationEvent());
      await t.bus.emit(notificationEvent({ name: 'humidity' }));
      await t.bus.emit(commandEvent('command/update', 'me'));
      await t.bus.emit(commandEvent('command/update', 'someone-else'));

      await settle();
      expect(inbox.messages.map((m) => [m.topic, m.qos])).toEqual([
        ['dh/notification/1/1/d1/temp@me', 1],
        ['dh/command_update/1/1/d1/light@me', 1],
      ]);
      expect(topics(spyInbox.messages)).toEqual(['dh/notification/1/1/d1/humidity']);
    });
  });
});
