import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@dh-mqtt/runtime';
import { createBroker, type DhBroker } from '../broker';
import {
  FakeBrokerBus,
  Inbox,
  TEST_SETTINGS,
  connectMqtt,
  selfSignedCertificate,
} from '../testing';
import { createTlsServer, readTlsFiles } from './tls-server';

describe(createTlsServer.name, () => {
  let dir: string;
  let broker: DhBroker;
  let server: Server;
  let port: number;
  let ca: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dh-tls-'));
    const files = readTlsFiles(selfSignedCertificate(dir));
    ca = files.cert as Buffer;
    broker = await createBroker({
      bus: new FakeBrokerBus(),
      logger: silentLogger(),
      config: TEST_SETTINGS,
    });
    server = createTlsServer(broker, { ...files, maxPacketSize: 4096, handshakeTimeoutMs: 500 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await broker.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a client trusts the certificate', () => {
    it('serves MQTT over TLS: requests, replies and ordinary topics', async () => {
      const client = await connectMqtt(`mqtts://127.0.0.1:${port}`, 'tls-1', { ca });
      const inbox = new Inbox(client);
      await client.subscribeAsync('dh/response/server/info@tls-1', { qos: 1 });
      await client.publishAsync('dh/request', '{"action":"server/info","requestId":1}', { qos: 1 });
      expect(await inbox.next()).toMatchObject({
        topic: 'dh/response/server/info@tls-1',
        payload: { requestId: 1, status: 'success' },
      });
      await client.endAsync(true);
    });

    it('closes a connection whose packet is over the limit', async () => {
      const client = await connectMqtt(`mqtts://127.0.0.1:${port}`, 'tls-2', { ca });
      const gone = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish('plain/x', 'x'.repeat(5000));
      await gone;
      expect(client.connected).toBe(false);
      await client.endAsync(true);
    });
  });

  describe('when a client does not trust the certificate', () => {
    it('fails the handshake and the listener keeps serving', async () => {
      await expect(connectMqtt(`mqtts://127.0.0.1:${port}`, 'tls-3')).rejects.toThrow();
      const client = await connectMqtt(`mqtts://127.0.0.1:${port}`, 'tls-4', { ca });
      expect(client.connected).toBe(true);
      await client.endAsync(true);
    });
  });

  describe('when a socket speaks plain MQTT to the TLS port', () => {
    it('is dropped without reaching the broker', async () => {
      const plain = connect(port, '127.0.0.1');
      plain.on('error', () => undefined);
      plain.write(
        Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0, 60, 0, 0]),
      );
      await new Promise<void>((resolve) => plain.once('close', () => resolve()));
      expect(broker.connectedClients()).toBe(0);
    });
  });
});
