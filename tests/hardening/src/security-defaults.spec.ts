import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { spawnStandalone } from './support/embedded-standalone';
import { BOOTSTRAP_ADMIN, connectClient } from './support/mqtt-clients';

jest.setTimeout(90_000);

const WARNING = 'the bootstrap admin dhadmin still has the published default password';
type Reply = Record<string, unknown>;

/** One request on the action's own response topic; resolves with its reply. */
async function ask(client: MqttClient, request: Reply & { action: string }): Promise<Reply> {
  const topic = `dh/response/${request.action}@${client.options.clientId ?? ''}`;
  await client.subscribeAsync(topic, { qos: 1 });
  const reply = new Promise<Reply>((resolve) => {
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic) return;
      client.off('message', onMessage);
      resolve(JSON.parse(payload.toString('utf8')) as Reply);
    };
    client.on('message', onMessage);
  });
  await client.publishAsync('dh/request', JSON.stringify(request), { qos: 1 });
  return reply;
}

// docs/security.md, "Safe defaults": what a new user of the embedded process sees.
describe('security defaults of the embedded process', () => {
  describe('while the bootstrap admin has the published default password', () => {
    let dataDir: string;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'dh-defaults-'));
    });

    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('warns at every start, and stops once the admin changed it', async () => {
      const first = await spawnStandalone({ dataDir });
      try {
        expect(first.logs()).toContain(WARNING);
        expect(first.logs()).not.toContain(BOOTSTRAP_ADMIN.password);
        const admin = await connectClient(first.mqttUrl, 'defaults-admin', BOOTSTRAP_ADMIN);
        const changed = await ask(admin, {
          action: 'user/updateCurrent',
          user: { password: 'Changed-Admin-Pa55' },
        });
        expect(changed['status']).toBe('success');
        await admin.endAsync();
      } finally {
        await first.stop();
      }

      const second = await spawnStandalone({ dataDir });
      try {
        expect(second.logs()).toContain('"standalone listening"');
        // The start's duration, from process start to listening, is in that line.
        expect(second.logs()).toMatch(/"startedInMs":[1-9]\d*[^\n]*"msg":"standalone listening"/);
        expect(second.logs()).not.toContain(WARNING);
      } finally {
        await second.stop();
      }
    });
  });

  describe('configuration/* on the JWT secret', () => {
    it('answers get, put and delete with 403, even to the admin, and never shows it', async () => {
      const secret = 'c3RheXMtc2VjcmV0LWtleQ==';
      const app = await spawnStandalone({ env: { DH_JWT_SECRET: secret } });
      try {
        const admin = await connectClient(app.mqttUrl, 'secret-reader', BOOTSTRAP_ADMIN);
        for (const request of [
          { action: 'configuration/get', name: 'jwt.secret' },
          { action: 'configuration/put', name: 'jwt.secret', value: 'c2VjcmV0' },
          { action: 'configuration/delete', name: 'jwt.secret' },
          { action: 'configuration/get', name: 'jwt.secret' },
        ]) {
          const reply = await ask(admin, request);
          expect(reply).toMatchObject({
            status: 'error',
            code: 403,
            error:
              "Configuration 'jwt.secret' is a secret and cannot be read or changed through the API",
          });
          expect(JSON.stringify(reply)).not.toContain(secret);
        }
        await admin.endAsync();
      } finally {
        await app.stop();
      }
    });
  });

  describe('with DH_ALLOW_ANONYMOUS=false', () => {
    it('refuses a CONNECT without credentials with CONNACK 5 and lets users in', async () => {
      const app = await spawnStandalone({ env: { DH_ALLOW_ANONYMOUS: 'false' } });
      try {
        await expect(connectClient(app.mqttUrl, 'anonymous')).rejects.toMatchObject({ code: 5 });
        const admin = await connectClient(app.mqttUrl, 'named', BOOTSTRAP_ADMIN);
        expect(admin.connected).toBe(true);
        await admin.endAsync();
      } finally {
        await app.stop();
      }
    });
  });
});
