import type { MqttClient } from 'mqtt';
import { createBroker } from './broker';
import { Inbox, connectMqtt, grantedQos, startTestBroker, type TestBroker } from './testing';

describe(`${createBroker.name} topic rules`, () => {
  let t: TestBroker;
  let listener: MqttClient;
  let listenerInbox: Inbox;

  beforeEach(async () => {
    t = await startTestBroker();
    listener = await t.connect('listener');
    listenerInbox = new Inbox(listener);
    await listener.subscribeAsync('#', { qos: 1 });
  });

  afterEach(async () => {
    await t.close();
  });

  /** Publishes `plain/marker` last: once the listener has it, anything before it was routed. */
  async function routedBefore(client: MqttClient): Promise<string[]> {
    await client.publishAsync('plain/marker', 'm', { qos: 1 });
    const topics: string[] = [];
    for (;;) {
      const message = await listenerInbox.next();
      if (message.topic === 'plain/marker') return topics;
      topics.push(message.topic);
    }
  }

  describe('when a client publishes on reserved topics', () => {
    it.each([
      ['a forged reply to another client', 'dh/response/server/info@listener'],
      ['a forged reply to itself', 'dh/response/server/info@forger'],
      ['an unknown dh topic', 'dh/whatever/1'],
      ['the bare dh root', 'dh'],
      ['a $ topic', '$internal/x'],
      ['$SYS', '$SYS/fake'],
    ])('acknowledges %s, routes it to nobody and stays connected', async (_, topic) => {
      const forger = await t.connect('forger');
      await forger.publishAsync(topic, '{"status":"success"}', { qos: 1 });
      expect(await routedBefore(forger)).toEqual([]);
      expect(forger.connected).toBe(true);
    });

    it('answers an anonymous native publish with 401 on the action reply topic', async () => {
      const device = await t.connect('device');
      const inbox = new Inbox(device);
      await device.subscribeAsync('dh/response/#', { qos: 1 });
      await device.publishAsync('dh/notification/1/1/dev-1/temp', '{"parameters":{}}', { qos: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: 'dh/response/notification/insert@device',
        payload: {
          action: 'notification/insert',
          requestId: null,
          code: 401,
          error: 'Unauthorized',
        },
      });
      expect(await routedBefore(device)).toEqual([]);
    });

    it('does not keep a retained dh/request', async () => {
      const sender = await t.connect('sender');
      await sender.publishAsync('dh/request', '{"action":"server/info"}', { qos: 1, retain: true });
      const late = await t.connect('late');
      const lateInbox = new Inbox(late);
      await late.subscribeAsync('#', { qos: 1 });
      expect(await lateInbox.quietFor(150)).toEqual([]);
    });
  });

  describe('when a client uses ordinary topics', () => {
    it('routes QoS 0 and 1 publishes to anyone', async () => {
      const a = await t.connect('a');
      await a.publishAsync('room/1', 'zero', { qos: 0 });
      await a.publishAsync('room/1', 'one', { qos: 1 });
      expect(await routedBefore(a)).toEqual(['room/1', 'room/1']);
    });

    it('delivers retained messages to later subscribers', async () => {
      const a = await t.connect('a');
      await a.publishAsync('room/state', 'on', { qos: 1, retain: true });
      const b = await t.connect('b');
      const inbox = new Inbox(b);
      await b.subscribeAsync('room/state', { qos: 1 });
      expect(await inbox.next()).toMatchObject({ topic: 'room/state', payload: 'on' });
    });

    it('publishes the last will of a client that vanishes', async () => {
      const doomed = await connectMqtt(t.url, 'doomed', {
        will: { topic: 'room/will', payload: Buffer.from('gone'), qos: 1, retain: false },
      });
      doomed.stream.destroy();
      const message = await listenerInbox.next();
      expect(message).toMatchObject({ topic: 'room/will', payload: 'gone' });
      await doomed.endAsync(true);
    });
  });

  describe('when a client subscribes', () => {
    it.each([
      ['dh/request', 128],
      ['dh/request/#', 128],
      ['dh/response/server/info@other', 128],
      ['dh/response/server/info@me', 1],
      ['dh/response/foo/bar@me', 1],
      ['dh/response/#', 1],
      ['dh/response/+/info@me', 1],
      ['dh/notification/#', 128],
      ['dh/command/1/1/+/+', 128],
      ['dh/#', 128],
      ['dh/unknown/x', 128],
      ['$SYS/#', 128],
      ['$other', 128],
      ['#', 1],
      ['+/request', 1],
      ['plain/+/topic', 1],
    ])('an anonymous session filtering %s is granted %d', async (filter, granted) => {
      const me = await t.connect('me');
      expect(await grantedQos(me, filter)).toBe(granted);
      expect(me.connected).toBe(true);
    });
  });
});
