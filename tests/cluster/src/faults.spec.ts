import { startCluster, type TestCluster } from './support/cluster';
import { testKafkaPid } from './support/cluster-env';
import { DhClient, eventually } from './support/dh-client';
import { freePort, type PodProcess } from './support/pod-process';
import { TcpGate } from './support/tcp-gate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The `retryInMs` values a pod logged for `message`, in order. */
function retryDelays(pod: PodProcess, message: RegExp): number[] {
  return pod.output
    .split('\n')
    .filter((line) => message.test(line))
    .map((line) => (JSON.parse(line) as { retryInMs?: number }).retryInMs ?? -1);
}

/** Waits until `/readyz` says 200; resolves with how long that took. */
async function readyWithin(pod: PodProcess, timeoutMs: number): Promise<number> {
  const since = Date.now();
  await pod.waitReady(timeoutMs);
  return Date.now() - since;
}

describe('faults of the services a cluster depends on', () => {
  let cluster: TestCluster;
  const gates: TcpGate[] = [];

  beforeAll(async () => {
    // Services only; each test starts the pods it needs.
    cluster = await startCluster({ name: 'faults', redisDb: 11, brokers: 0, gateways: 0 });
  });

  afterEach(async () => {
    await Promise.all(gates.splice(0).map((gate) => gate.close()));
    await Promise.all(
      [...cluster.brokers.splice(0), ...cluster.gateways.splice(0)].map((p) => p.stop('SIGKILL')),
    );
  });

  afterAll(async () => {
    await cluster?.close();
  });

  describe('when Kafka is unreachable at start', () => {
    it('keeps both roles alive and unready, retrying with backoff, until SIGTERM stops them', async () => {
      const nowhere = `127.0.0.1:${await freePort()}`;
      const broker = await cluster.addBroker({ DH_KAFKA_BROKERS: nowhere });
      const gateway = await cluster.addGateway({ DH_KAFKA_BROKERS: nowhere });
      const unreachable = new RegExp(`Kafka unreachable at ${nowhere}`);
      // Three attempts each: the first ones back off by a few hundred ms, later ones by seconds.
      await eventually(
        () => [broker, gateway].every((pod) => retryDelays(pod, unreachable).length >= 3),
        30_000,
        () => `fewer than 3 logged attempts:\n${broker.tail(10)}\n${gateway.tail(10)}`,
      );

      for (const pod of [broker, gateway]) {
        expect(pod.alive).toBe(true);
        expect(await pod.probe('/healthz')).toBe(200);
        expect(await pod.probe('/readyz')).toBe(503);
        const delays = retryDelays(pod, unreachable);
        expect(delays).toEqual([...delays].sort((a, b) => a - b));
        expect(await pod.stop('SIGTERM', 10_000)).toEqual({ code: 0, signal: null });
      }
    });
  });

  describe('when Redis is unreachable at start', () => {
    it('keeps the broker unready, says why, and gets ready once Redis answers', async () => {
      const redis = new URL(cluster.env['DH_REDIS_URL']);
      const gate = await TcpGate.create({ host: redis.hostname, port: Number(redis.port) });
      gates.push(gate);
      const broker = await cluster.addBroker({
        DH_REDIS_URL: `redis://127.0.0.1:${gate.port}${redis.pathname}`,
      });
      await sleep(3_000);

      expect(broker.alive).toBe(true);
      expect(await broker.probe('/readyz')).toBe(503);
      expect(broker.output).toMatch(/Redis unreachable; retrying with backoff/);
      await gate.open();
      const readyAfter = await readyWithin(broker, 20_000);
      console.log(`Redis up at start + 3 s: broker ready ${readyAfter} ms after Redis answered`);
      // What an operator sees: each of the pod's Redis connections retried, and Redis up now.
      const metrics = await (await fetch(`http://127.0.0.1:${broker.ports.http}/metrics`)).text();
      for (const role of ['persistence', 'mq-sub', 'mq-pub']) {
        const line = metrics
          .split('\n')
          .find((l) => l.startsWith('dh_redis_reconnects_total{') && l.includes(`role="${role}"`));
        expect(Number(line?.slice(line.lastIndexOf(' ') + 1))).toBeGreaterThan(0);
      }
      expect(metrics).toMatch(/^dh_redis_up(\{[^}]*\})? 1$/m);
    });
  });

  describe('when PostgreSQL is unreachable at start', () => {
    it('keeps the gateway unready, says why, and gets ready once the database answers', async () => {
      const database = new URL(cluster.env['DH_DATABASE_URL']);
      const gate = await TcpGate.create({ host: database.hostname, port: Number(database.port) });
      gates.push(gate);
      const gateway = await cluster.addGateway({
        DH_DATABASE_URL: Object.assign(new URL(database), { port: String(gate.port) }).toString(),
      });
      await sleep(3_000);

      expect(gateway.alive).toBe(true);
      expect(await gateway.probe('/readyz')).toBe(503);
      expect(retryDelays(gateway, /database unreachable/).length).toBeGreaterThanOrEqual(2);
      await gate.open();
      const readyAfter = await readyWithin(gateway, 30_000);
      console.log(`PostgreSQL up at start + 3 s: gateway ready ${readyAfter} ms after it answered`);
    });
  });

  describe('when Kafka stops answering while the cluster runs', () => {
    it('answers with an error within the request timeout and recovers without restarts', async () => {
      const gateway = await cluster.addGateway();
      await gateway.waitReady();
      const broker = await cluster.addBroker();
      await broker.waitReady();
      const client = await DhClient.connect(broker.mqttUrl, 'during-outage');
      expect((await client.request('server/info')).body['status']).toBe('success');

      const kafka = testKafkaPid();
      process.kill(kafka, 'SIGSTOP');
      let during: Awaited<ReturnType<DhClient['request']>>;
      const sentAt = Date.now();
      try {
        during = await client.request('server/info', {}, 15_000);
        // Frozen past the group session timeout (6 s): Kafka expires every member on resume.
        await sleep(Math.max(0, sentAt + 10_000 - Date.now()));
      } finally {
        process.kill(kafka, 'SIGCONT');
      }
      const errorAfter = during.at - sentAt;
      const resumedAt = Date.now();
      let after = await client.request('server/info', {}, 30_000);
      while (after.body['status'] !== 'success' && Date.now() - resumedAt < 60_000) {
        await sleep(500);
        after = await client.request('server/info', {}, 30_000);
      }
      const recoveredAfter = after.at - resumedAt;

      expect(during.body).toMatchObject({ status: 'error', code: 503 });
      // DH_REQUEST_TIMEOUT_MS is 5 000 in the test cluster; the broker adds a short grace.
      expect(errorAfter).toBeLessThan(7_000);
      expect(after.body['status']).toBe('success');
      expect([broker.alive, gateway.alive]).toEqual([true, true]);
      await client.end();
      console.log(
        `Kafka frozen: error reply after ${errorAfter} ms; ` +
          `first success ${recoveredAfter} ms after Kafka resumed`,
      );
    });
  });
});
