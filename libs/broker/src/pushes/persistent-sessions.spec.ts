import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { Inbox, acceptLogins, startTestBroker, type TestBroker } from '../testing';
import { PRINCIPALS, commandEvent, notificationEvent } from '../testing/pushes.fixtures';
import { publishEvent } from './publish-event';

const QUIET_MS = 150;

describe(`${publishEvent.name} to persistent sessions`, () => {
  let t: TestBroker;
  const opened: MqttClient[] = [];

  beforeEach(async () => {
    t = await startTestBroker();
    acceptLogins(t.bus, PRINCIPALS);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.endAsync(true)));
    await t.close();
  });

  /**
   * Connects with `clean: false`; the inbox listens before CONNACK, so messages queued for the
   * session while it was away are seen too.
   */
  async function persistent(clientId: string, login?: string): Promise<[MqttClient, Inbox]> {
    const options: IClientOptions = { clientId, clean: false, reconnectPeriod: 0 };
    const client = connect(t.url, login ? { ...options, username: login, password: 'x' } : options);
    opened.push(client);
    const inbox = new Inbox(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return [client, inbox];
  }

  const topics = (inbox: Inbox) => inbox.messages.map((m) => m.topic);

  describe('when a QoS 1 subscriber was offline', () => {
    it('gets the pushes it missed once each after reconnecting, then live ones', async () => {
      const [first] = await persistent('p', 'admin');
      await first.subscribeAsync(['dh/notification/#', 'dh/notification/1/#'], { qos: 1 });
      await first.endAsync();

      await t.bus.emit(notificationEvent({ name: 'missed-1' }));
      await t.bus.emit(notificationEvent({ name: 'missed-2' }));
      const [, inbox] = await persistent('p', 'admin');
      await inbox.next();
      await inbox.next();
      await t.bus.emit(notificationEvent({ name: 'live' }));
      await inbox.next();

      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
      expect(topics(inbox)).toEqual([
        'dh/notification/1/1/d1/missed-1',
        'dh/notification/1/1/d1/missed-2',
        'dh/notification/1/1/d1/live',
      ]);
      expect(inbox.messages.every((m) => m.qos === 1)).toBe(true);
    });

    it('still gets only what its principal may see', async () => {
      const [first] = await persistent('p', 'client1');
      await first.subscribeAsync('dh/notification/#', { qos: 1 });
      await first.endAsync();

      await t.bus.emit(notificationEvent({ networkId: 2, deviceId: 'd2' }));
      await t.bus.emit(notificationEvent());
      const [, inbox] = await persistent('p', 'client1');

      expect((await inbox.next()).topic).toBe('dh/notification/1/1/d1/temp');
      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('gets nothing queued when it comes back anonymous', async () => {
      const [first] = await persistent('p', 'admin');
      await first.subscribeAsync('dh/notification/#', { qos: 1 });
      await first.endAsync();

      await t.bus.emit(notificationEvent());
      const [, inbox] = await persistent('p');

      expect(await inbox.quietFor(QUIET_MS)).toEqual([]);
    });

    it('gets a push it never acknowledged again marked DUP, and what was queued unmarked', async () => {
      let inFlight!: () => void;
      const received = new Promise<void>((resolve) => (inFlight = resolve));
      const [first] = await persistent('p', 'admin');
      // Never acknowledges: the push stays in flight for the session. (mqtt.js reads this option
      // at construction for MQTT 5 only; set on the live options it applies to 3.1.1 too.)
      first.options.customHandleAcks = () => inFlight();
      await first.subscribeAsync('dh/notification/#', { qos: 1 });
      await t.bus.emit(notificationEvent({ name: 'in-flight' }));
      await received;
      const gone = new Promise<void>((resolve) =>
        t.broker.aedes.once('clientDisconnect', () => resolve()),
      );
      await first.endAsync(true);
      // Queued, not sent: the broker has seen the connection go before the next push.
      await gone;

      await t.bus.emit(notificationEvent({ name: 'while-away' }));
      const flags: Array<[string, boolean]> = [];
      const [again, inbox] = await persistent('p', 'admin');
      again.on('message', (topic, _payload, packet) => flags.push([topic, packet.dup]));
      await inbox.next();
      await inbox.next();

      expect(topics(inbox)).toEqual([
        'dh/notification/1/1/d1/in-flight',
        'dh/notification/1/1/d1/while-away',
      ]);
      expect(flags.map(([, dup]) => dup)).toEqual([true, false]);
      expect(t.broker.metrics.messagesRedelivered).toBe(1);
    });

    it('gets the update of a command it inserted before going away; others do not', async () => {
      const [origin] = await persistent('origin', 'admin');
      const [other] = await persistent('other', 'admin');
      await origin.subscribeAsync('dh/command_update/#', { qos: 1 });
      await other.subscribeAsync('dh/command_update/#', { qos: 1 });
      await origin.endAsync();
      await other.endAsync();

      await t.bus.emit(commandEvent('command/update', 'origin'));
      const [, originInbox] = await persistent('origin', 'admin');
      const [, otherInbox] = await persistent('other', 'admin');

      expect((await originInbox.next()).topic).toBe('dh/command_update/1/1/d1/light');
      expect(await otherInbox.quietFor(QUIET_MS)).toEqual([]);
    });
  });
});
