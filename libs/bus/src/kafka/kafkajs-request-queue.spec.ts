import { silentLogger } from '@dh-mqtt/runtime';
import { createKafkaClient, resolveOptions } from './kafka-bus-options';
import { testKafkaOptions } from '../testing/kafka.fixtures';
import { fixKafkajsIdleTimerLoop, kafkajsRequestQueue } from './kafkajs-request-queue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newQueue() {
  const RequestQueue = kafkajsRequestQueue();
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 1_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'spec:0',
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
  });
}

describe('the kafkajs idle timer fix', () => {
  beforeAll(() => fixKafkajsIdleTimerLoop());

  it('leaves no timer armed when no request is waiting', () => {
    const queue = newQueue();

    queue.checkPendingRequests();

    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('re-checks waiting requests when the broker throttle ends', async () => {
    const queue = newQueue();
    const checks: number[] = [];
    queue.checkPendingRequests = () => void checks.push(Date.now());
    queue.pending = [{}];
    const start = Date.now();
    queue.throttledUntil = start + 40;

    queue.scheduleCheckPendingRequests();
    await sleep(20);
    expect(checks).toHaveLength(0);
    await sleep(60);

    expect(checks).toHaveLength(1);
    expect(checks[0] - start).toBeGreaterThanOrEqual(35);
  });

  it('re-checks waiting requests every 10 ms when nothing throttles them', async () => {
    const queue = newQueue();
    let checks = 0;
    queue.checkPendingRequests = () => void (checks += 1);
    queue.pending = [{}];

    queue.scheduleCheckPendingRequests();
    await sleep(50);

    expect(checks).toBe(1);
  });

  it('keeps an idle connected client quiet (kafkajs 2.2.4 alone re-checks ~1000 times a second)', async () => {
    const { prototype } = kafkajsRequestQueue();
    const original = prototype.checkPendingRequests;
    let checks = 0;
    prototype.checkPendingRequests = function counted(this: typeof prototype) {
      checks += 1;
      return original.call(this);
    };
    const kafka = createKafkaClient(resolveOptions(testKafkaOptions(), 'spec'), silentLogger());
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      checks = 0;
      await sleep(1_000);
    } finally {
      prototype.checkPendingRequests = original;
      await admin.disconnect();
    }

    expect(checks).toBeLessThan(20);
  });
});
