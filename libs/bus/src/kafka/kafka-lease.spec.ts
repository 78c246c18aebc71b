import { KAFKA_LEASES } from '../kafka-topics';
import {
  capturedLogger,
  eventually,
  networkFault,
  testKafkaOptions,
} from '../testing/kafka.fixtures';
import { createKafkaLease, type KafkaLease } from './kafka-lease';

jest.setTimeout(60_000);

/** docs/adr/0015: one holder of the remote event stream among the pods, on a real Kafka. */
describe(createKafkaLease.name, () => {
  const leases: KafkaLease[] = [];
  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.stop();
  });

  function member(options: ReturnType<typeof testKafkaOptions>, name: string, log: string[]) {
    const lease = createKafkaLease({
      ...options,
      logger: capturedLogger().logger,
      lease: KAFKA_LEASES.remoteEvents,
      onAcquired: () => void log.push(`${name} acquired`),
      onReleased: () => void log.push(`${name} released`),
    });
    leases.push(lease);
    return lease;
  }

  it('is held by one member at a time and passes to another when the holder leaves', async () => {
    const options = testKafkaOptions();
    const log: string[] = [];
    const a = member(options, 'a', log);
    const b = member(options, 'b', log);
    await a.start();
    await eventually(() => expect(a.held()).toBe(true));
    await b.start();
    await eventually(() => expect([a.held(), b.held()].filter(Boolean)).toHaveLength(1), 20_000);
    const [holder, other] = a.held() ? [a, b] : [b, a];
    await holder.stop();
    leases.splice(leases.indexOf(holder), 1);
    await eventually(() => expect(other.held()).toBe(true), 30_000);
    // Every acquisition was released before the next one began.
    let holders = 0;
    for (const line of log) {
      holders += line.endsWith('acquired') ? 1 : -1;
      expect(holders).toBeLessThanOrEqual(1);
    }
  });

  it('is held once per namespace (each deployment elects its own holder)', async () => {
    const log: string[] = [];
    const a = member(testKafkaOptions(), 'a', log);
    const b = member(testKafkaOptions(), 'b', log);
    await Promise.all([a.start(), b.start()]);
    await eventually(() => expect([a.held(), b.held()]).toEqual([true, true]), 20_000);
  });

  it('is released by a holder that loses Kafka, and taken by another member', async () => {
    const options = testKafkaOptions();
    const log: string[] = [];
    const faults = { a: networkFault(), b: networkFault() };
    const a = member({ ...options, socketFactory: faults.a.socketFactory }, 'a', log);
    const b = member({ ...options, socketFactory: faults.b.socketFactory }, 'b', log);
    await Promise.all([a.start(), b.start()]);
    await eventually(() => expect([a.held(), b.held()].filter(Boolean)).toHaveLength(1), 20_000);
    const [holder, other, name] = a.held() ? [a, b, 'a'] : [b, a, 'b'];
    faults[name as 'a' | 'b'].cut();
    await eventually(() => expect(other.held()).toBe(true), 45_000);
    await eventually(() => expect(holder.held()).toBe(false), 45_000);
    expect(log).toContain(`${name} released`);
    faults[name as 'a' | 'b'].restore();
  });
});
