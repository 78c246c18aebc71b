import { startEmbeddedServer, type EmbeddedServer } from './support/embedded-standalone';
import { DhClient, type DhPush, type DhTokens } from '@dh-mqtt/client';

// A server restart under a connected client: it reconnects, renews its expired access token
// with the refresh token, authenticates again and makes its subscriptions again, so pushes keep
// coming (docs/topics/notification.md "Request-made subscriptions": they last as long as the
// connection).

jest.setTimeout(90_000);

const ADMIN = { username: 'dhadmin', password: 'dhadmin_#911' };
const SAMPLE_DEVICE = 'e50d6085-2aba-48e9-b1c3-73c673e414be';

describe('DhClient across a server restart', () => {
  let server: EmbeddedServer;
  const clients: DhClient[] = [];

  beforeAll(async () => {
    server = await startEmbeddedServer();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await server?.stop(true);
  });

  it('reconnects, refreshes the token, authenticates and restores both kinds of subscription', async () => {
    const admin = await DhClient.connect({ url: server.mqttUrl, clientId: 'rc-admin', ...ADMIN });
    clients.push(admin);
    // An access token that expires in 3 s; its refresh token lives on.
    const minted = await admin.request('token/create', {
      payload: {
        userId: 1,
        actions: [0],
        networkIds: ['*'],
        deviceTypeIds: ['*'],
        expiration: Date.now() + 3_000,
        refreshExpiration: Date.now() + 3_600_000,
      },
    });
    const watcher = await DhClient.connect({
      url: server.mqttUrl,
      clientId: 'rc-watcher',
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken,
      reconnectPeriodMs: 200,
    });
    clients.push(watcher);
    const byRequest: DhPush[] = [];
    const byTopic: DhPush[] = [];
    const subscription = await watcher.subscribeNotifications({ deviceId: SAMPLE_DEVICE }, (p) =>
      byRequest.push(p),
    );
    await watcher.listen('notification', { deviceId: SAMPLE_DEVICE }, (p) => byTopic.push(p));
    const firstId = subscription.id;
    const refreshed = new Promise<DhTokens>((resolve) => watcher.on('token', resolve));
    const readyAgain = new Promise<void>((resolve) => watcher.on('ready', resolve));

    await new Promise((r) => setTimeout(r, 3_500));
    server = await server.restart();
    await readyAgain;

    expect((await refreshed).accessToken).not.toBe(minted.accessToken);
    expect(watcher.currentTokens?.refreshToken).toBe(minted.refreshToken);
    expect(subscription.id).toEqual(expect.any(Number));
    expect((await watcher.request('user/getCurrent')).current.login).toBe('dhadmin');

    const inserter = await DhClient.connect({ url: server.mqttUrl, clientId: 'rc-in', ...ADMIN });
    clients.push(inserter);
    const inserted = await inserter.request('notification/insert', {
      deviceId: SAMPLE_DEVICE,
      notification: { notification: 'after-restart' },
    });
    await waitFor(() => byRequest.length > 0 && byTopic.length > 0);
    expect(byRequest).toMatchObject([
      { notification: { id: inserted.notification.id }, subscriptionId: subscription.id },
    ]);
    expect(byTopic).toMatchObject([
      { notification: { id: inserted.notification.id }, subscriptionId: null },
    ]);
    expect(firstId).toEqual(expect.any(Number));
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
