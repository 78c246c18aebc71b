import type { Principal } from '@dh-mqtt/protocol';
import { grantedQos, replyTo, startTestBroker, type TestBroker } from '../testing';
import { createAuthorizeSubscribe } from './authorize-subscribe';

const admin: Principal = {
  userId: 1,
  login: 'dhadmin',
  role: 0,
  permissions: ['GetDeviceNotification', 'GetDeviceCommand'],
  networkIds: '*',
  deviceTypeIds: '*',
  userNetworkIds: '*',
  userDeviceTypeIds: '*',
};

describe(createAuthorizeSubscribe.name, () => {
  let t: TestBroker;

  afterEach(async () => {
    await t.close();
  });

  async function start(sysTopicsAdminOnly?: boolean) {
    t = await startTestBroker(sysTopicsAdminOnly === undefined ? {} : { sysTopicsAdminOnly });
    t.bus.handler = async (envelope) =>
      envelope.request.action === 'token'
        ? replyTo(envelope, { accessToken: 'a' })
        : { ...replyTo(envelope), effect: { kind: 'authenticate', principal: admin } };
  }

  describe('when $SYS is admin-only (the default)', () => {
    it('grants $SYS/# to an admin and refuses it to an anonymous session', async () => {
      await start();
      const root = await t.connect('root', { username: 'dhadmin', password: 'pw' });
      const anon = await t.connect('anon');
      expect(await grantedQos(root, '$SYS/#')).toBe(1);
      expect(await grantedQos(anon, '$SYS/#')).toBe(128);
    });
  });

  describe('when DH_SYS_TOPICS_ADMIN_ONLY is false', () => {
    it('grants $SYS/# to everyone but still refuses other $ filters', async () => {
      await start(false);
      const anon = await t.connect('anon');
      expect(await grantedQos(anon, '$SYS/#')).toBe(1);
      expect(await grantedQos(anon, '$other/#')).toBe(128);
    });
  });

  describe('when an event filter names a network outside the principal’s scope', () => {
    it.each([
      ['dh/notification/2/+/+/+', 128],
      ['dh/command/+/9/#', 128],
      ['dh/command_update/1/+/+/+', 1],
      ['dh/notification/#', 1],
    ])('grants %s → %d', async (filter, granted) => {
      await start();
      t.bus.handler = async (envelope) =>
        envelope.request.action === 'token'
          ? replyTo(envelope, { accessToken: 'a' })
          : {
              ...replyTo(envelope),
              effect: {
                kind: 'authenticate',
                principal: {
                  ...admin,
                  role: 1,
                  networkIds: [1],
                  userNetworkIds: [1],
                  deviceTypeIds: [1, 2],
                  userDeviceTypeIds: [1, 2],
                },
              },
            };
      const client = await t.connect('c', { username: 'u', password: 'pw' });
      expect(await grantedQos(client, filter)).toBe(granted);
    });
  });
});
