import { Inbox, connectMqtt, grantedQos, type Received } from '@dh-mqtt/broker/testing';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Standalone } from '../src/standalone';
import { ApiTestServer } from './api-test-client';

// The topic ACL of docs/topics/README.md, docs/topics/request.md, docs/reliability.md and native
// publishing (docs/topics/notification.md), end to end against the embedded process with its real
// core: anonymous / a CLIENT user assigned network 1 only / admin.

jest.setTimeout(60_000);

type Who = 'anonymous' | 'client' | 'admin';
const WHO: readonly Who[] = ['anonymous', 'client', 'admin'];
const CLIENT_LOGIN = 'acl-client';
const CLIENT_PASSWORD = 'acl-client-pw';
const DEV1 = 'acl-dev-1';
const DEV2 = 'acl-dev-2';

/** A connection with everything it received. */
interface Peer {
  client: MqttClient;
  inbox: Inbox;
  id: string;
}

describe('topic ACL and native publishing (standalone)', () => {
  const server = new ApiTestServer();
  let app: Standalone;
  let net2: number;
  const clients: MqttClient[] = [];
  let seq = 0;

  const url = () => `mqtt://127.0.0.1:${app.ports.mqtt}`;

  async function peer(who: Who, id: string, options: IClientOptions = {}): Promise<Peer> {
    const credentials =
      who === 'admin'
        ? { username: 'dhadmin', password: 'dhadmin_#911' }
        : who === 'client'
          ? { username: CLIENT_LOGIN, password: CLIENT_PASSWORD }
          : {};
    const client = await connectMqtt(url(), id, { ...credentials, ...options });
    clients.push(client);
    return { client, inbox: new Inbox(client), id };
  }

  /** The next message on `topic` (others are skipped). */
  async function nextOn(p: Peer, topic: string): Promise<Received> {
    for (;;) {
      const message = await p.inbox.next(10_000);
      if (message.topic === topic) return message;
    }
  }

  /** Sends a request and resolves with its reply payload. */
  async function ask(p: Peer, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const requestId = `req-${++seq}`;
    await p.client.publishAsync('dh/request', JSON.stringify({ ...body, requestId }), { qos: 1 });
    for (;;) {
      const { payload } = await p.inbox.next(10_000);
      if ((payload as { requestId?: unknown }).requestId === requestId) {
        return payload as Record<string, unknown>;
      }
    }
  }

  async function succeed(p: Peer, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await ask(p, body);
    expect(reply).toMatchObject({ status: 'success' });
    return reply;
  }

  const fill = (template: string, me: string) =>
    template.replaceAll('{net2}', String(net2)).replaceAll('{me}', me);

  beforeAll(async () => {
    await server.start();
    app = server.app;
    const admin = await peer('admin', 'acl-setup');
    await admin.client.subscribeAsync('dh/response/#', { qos: 1 });
    const network = await succeed(admin, {
      action: 'network/insert',
      network: { name: 'acl network 2' },
    });
    net2 = (network['network'] as { id: number }).id;
    const user = await succeed(admin, {
      action: 'user/insert',
      user: { login: CLIENT_LOGIN, password: CLIENT_PASSWORD, role: 1, status: 0 },
    });
    const userId = (user['user'] as { id: number }).id;
    await succeed(admin, { action: 'user/assignNetwork', userId, networkId: 1 });
    for (const [deviceId, networkId] of [
      [DEV1, 1],
      [DEV2, net2],
    ] as const) {
      await succeed(admin, {
        action: 'device/save',
        deviceId,
        device: { name: deviceId, networkId, deviceTypeId: 1 },
      });
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await server.stop();
  });

  describe('SUBSCRIBE', () => {
    const events = ['notification', 'command', 'command_update'].flatMap((kind) => [
      [`dh/${kind}/1/1/${DEV1}/x`, 128, 1, 1],
      [`dh/${kind}/1/#`, 128, 1, 1],
      [`dh/${kind}/+/1/+/+`, 128, 1, 1],
      [`dh/${kind}/#`, 128, 1, 1],
      [`dh/${kind}/{net2}/1/${DEV2}/x`, 128, 128, 1],
      [`dh/${kind}/{net2}/#`, 128, 128, 1],
      [`dh/${kind}/{net2}/+/+/+`, 128, 128, 1],
    ]);
    const table: Array<[string, number, number, number]> = [
      ['dh/request', 128, 128, 128],
      ['dh/request/#', 128, 128, 128],
      ['dh/response/server/info@{me}', 1, 1, 1],
      ['dh/response/token@{me}', 1, 1, 1],
      ['dh/response/#', 1, 1, 1],
      ['dh/response/server/info@someone-else', 128, 128, 128],
      ...(events as Array<[string, number, number, number]>),
      ['dh/#', 128, 1, 1],
      ['dh/+/1/1/+/+', 128, 1, 1],
      ['dh/unknown/x', 128, 128, 128],
      ['dh/notification/1/1', 128, 128, 128],
      ['#', 1, 1, 1],
      ['+/request', 1, 1, 1],
      ['plain/acl/+', 1, 1, 1],
      ['$SYS/#', 128, 128, 1],
      ['$other/#', 128, 128, 128],
    ];
    const rows = table.flatMap(([filter, ...granted]) =>
      WHO.map((who, n) => [filter, who, granted[n]] as const),
    );

    it.each(rows)('%s by %s is granted %d', async (template, who, granted) => {
      const id = `acl-sub-${who}-${++seq}`;
      const p = await peer(who, id);
      expect(await grantedQos(p.client, fill(template, id))).toBe(granted);
      expect(p.client.connected).toBe(true);
    });
  });

  describe('PUBLISH', () => {
    let spies: Record<Who, Peer>;

    beforeAll(async () => {
      const entries = await Promise.all(
        WHO.map(async (who) => {
          const spy = await peer(who, `acl-spy-${who}`);
          for (const filter of ['#', 'dh/#', 'dh/notification/#', 'dh/response/#', '$SYS/#']) {
            await grantedQos(spy.client, filter);
          }
          return [who, spy] as const;
        }),
      );
      spies = Object.fromEntries(entries) as Record<Who, Peer>;
    });

    /** After a marker on an ordinary topic, what each spy got meanwhile besides the marker. */
    async function spiedSince(sender: Peer): Promise<Received[]> {
      const marker = `plain/acl/marker-${++seq}`;
      await sender.client.publishAsync(marker, 'm', { qos: 1 });
      const seen: Received[] = [];
      for (const spy of Object.values(spies)) {
        for (;;) {
          const message = await spy.inbox.next(10_000);
          if (message.topic === marker) break;
          // aedes' own $SYS announcements (admins read them) are not what a client published.
          if (!message.topic.startsWith(`$SYS/${app.broker.id}/`)) seen.push(message);
        }
      }
      return seen;
    }

    it.each(WHO)('a request by %s is answered to it alone and read by nobody', async (who) => {
      const p = await peer(who, `acl-req-${who}`);
      await p.client.subscribeAsync('dh/response/#', { qos: 1 });
      const reply = await ask(p, { action: 'server/info' });
      expect(reply).toMatchObject({ action: 'server/info', status: 'success' });
      expect(await spiedSince(p)).toEqual([]);
    });

    it.each(WHO)('a forged reply or push by %s reaches nobody', async (who) => {
      const p = await peer(who, `acl-forge-${who}`);
      const forged = '{"action":"server/info","status":"success","forged":true}';
      await p.client.publishAsync(`dh/response/server/info@acl-spy-${who}`, forged, { qos: 1 });
      await p.client.publishAsync(`dh/response/server/info@acl-spy-admin`, forged, { qos: 1 });
      await p.client.publishAsync('$SYS/broker/fake', forged, { qos: 1 });
      await p.client.publishAsync('dh/unknown/x', forged, { qos: 1 });
      expect(await spiedSince(p)).toEqual([]);
      expect(p.client.connected).toBe(true);
    });

    it.each(WHO)('an ordinary publish by %s reaches every # subscriber', async (who) => {
      const p = await peer(who, `acl-plain-${who}`);
      await p.client.publishAsync('plain/acl/hello', who, { qos: 1 });
      expect(await spiedSince(p)).toEqual(
        WHO.map(() => expect.objectContaining({ topic: 'plain/acl/hello', payload: who })),
      );
    });

    const native: Array<[string, string, string, Record<Who, object>]> = [
      [
        'on an accessible network',
        `dh/notification/1/1/${DEV1}/acl-temp`,
        'notification/insert',
        {
          anonymous: { code: 401, error: 'Unauthorized' },
          client: { status: 'success', notification: expect.any(Object) },
          admin: { status: 'success', notification: expect.any(Object) },
        },
      ],
      [
        'on an inaccessible network',
        `dh/command/{net2}/1/${DEV2}/acl-light`,
        'command/insert',
        {
          anonymous: { code: 401, error: 'Unauthorized' },
          client: { code: 403, error: 'Access is denied' },
          admin: { status: 'success', command: expect.any(Object) },
        },
      ],
      [
        'with levels that are not the device’s',
        `dh/notification/1/1/${DEV2}/acl-temp`,
        'notification/insert',
        {
          anonymous: { code: 401, error: 'Unauthorized' },
          client: { code: 403, error: 'Access is denied' },
          admin: {
            code: 400,
            error: "Topic levels do not match the device's network and device type",
          },
        },
      ],
      [
        'with a payload that is not JSON',
        `dh/command_update/1/1/${DEV1}/acl-light`,
        'command/update',
        {
          anonymous: { code: 401, error: 'Unauthorized' },
          client: { code: 400, error: 'Malformed Json received.' },
          admin: { code: 400, error: 'Malformed Json received.' },
        },
      ],
    ];
    const nativeRows = native.flatMap(([label, topic, action, outcomes]) =>
      WHO.map((who) => [label, who, topic, action, outcomes[who]] as const),
    );

    it.each(nativeRows)(
      'a native publish %s by %s is answered on its action topic and never routed raw',
      async (label, who, template, action, outcome) => {
        const p = await peer(who, `acl-native-${who}-${++seq}`);
        await p.client.subscribeAsync(`dh/response/${action}@${p.id}`, { qos: 1 });
        const raw = label.includes('not JSON') ? 'raw-not-json' : `{"parameters":{"raw":${seq}}}`;
        await p.client.publishAsync(fill(template, p.id), raw, { qos: 1 });
        const reply = await nextOn(p, `dh/response/${action}@${p.id}`);
        expect(reply.payload).toMatchObject({ action, requestId: null, ...outcome });
        const rawCopies = (await spiedSince(p)).filter(
          (m) => JSON.stringify(m.payload) === JSON.stringify(raw) || m.payload === raw,
        );
        expect(rawCopies).toEqual([]);
      },
    );

    it('stores a native notification of the CLIENT user for the device named by the topic', async () => {
      const device = await peer('client', 'acl-native-stored');
      await device.client.subscribeAsync('dh/response/#', { qos: 1 });
      await device.client.publishAsync(
        `dh/notification/1/1/${DEV1}/acl-stored`,
        '{"parameters":{"v":7}}',
        {
          qos: 1,
        },
      );
      await nextOn(device, 'dh/response/notification/insert@acl-native-stored');
      const admin = await peer('admin', 'acl-native-reader');
      await admin.client.subscribeAsync('dh/response/#', { qos: 1 });
      const list = await succeed(admin, {
        action: 'notification/list',
        deviceId: DEV1,
        notification: 'acl-stored',
      });
      expect(list['notifications']).toEqual([
        expect.objectContaining({
          notification: 'acl-stored',
          deviceId: DEV1,
          networkId: 1,
          deviceTypeId: 1,
          parameters: { v: 7 },
        }),
      ]);
    });
  });
});
