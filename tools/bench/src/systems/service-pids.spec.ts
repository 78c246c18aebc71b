import { jvmJit, processArgs } from './service-pids';

describe(jvmJit.name, () => {
  it('says C1 only when the JVM stops at a C1 tier, as the test servers do', () => {
    expect(jvmJit(['java', '-Xmx512m', '-XX:TieredStopAtLevel=1', 'kafka.Kafka'])).toBe('C1 only');
  });

  it('says C1 and C2 for a JVM with the default tiers', () => {
    expect(jvmJit(['java', '-Xmx512m', '-XX:+UseSerialGC', 'kafka.Kafka'])).toBe('C1 and C2');
    expect(jvmJit(['java', '-XX:TieredStopAtLevel=4', 'kafka.Kafka'])).toBe('C1 and C2');
  });
});

describe(processArgs.name, () => {
  it('reads the arguments of a running process', () => {
    expect(processArgs(process.pid)?.[0]).toBe(process.argv0);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processArgs(2 ** 22 + 1)).toBeUndefined();
  });
});
