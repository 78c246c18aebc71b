import { commandEvent } from '../testing/pushes.fixtures';
import { CommandOrigins } from './command-origins';

describe(CommandOrigins.name, () => {
  it('tells who inserted a command, until the entry expires', () => {
    let now = 0;
    const origins = new CommandOrigins(10, 1_000, () => now);
    origins.record(7, 'c1');
    expect(origins.originOf(7)).toBe('c1');
    expect(origins.originOf(8)).toBeNull();
    now = 1_000;
    expect(origins.originOf(7)).toBeNull();
    expect(origins.size).toBe(0);
  });

  it('keeps at most its capacity, forgetting the oldest insert first', () => {
    const origins = new CommandOrigins(2);
    origins.record(1, 'a');
    origins.record(2, 'b');
    origins.record(3, 'c');
    expect([1, 2, 3].map((id) => origins.originOf(id))).toEqual([null, 'b', 'c']);
  });

  it('ignores ids that are not integers', () => {
    const origins = new CommandOrigins();
    origins.record('7', 'a');
    origins.record(1.5, 'a');
    origins.record(undefined, 'a');
    expect(origins.size).toBe(0);
  });

  it("prefers an event's own origin and looks up only command updates without one", () => {
    const origins = new CommandOrigins();
    const update = commandEvent('command/update', null);
    const insert = commandEvent('command/insert', null);
    origins.record(update.data['id'], 'remembered');
    origins.record(insert.data['id'], 'remembered');
    expect(origins.originOfEvent(update)).toBe('remembered');
    expect(origins.originOfEvent({ ...update, originClientId: 'own' })).toBe('own');
    expect(origins.originOfEvent(insert)).toBeNull();
  });

  it('reads the command id of a packet payload, and nothing from a bad one', () => {
    const origins = new CommandOrigins();
    origins.record(5, 'c5');
    const packet = (payload: string) =>
      ({
        cmd: 'publish',
        topic: 't',
        payload: Buffer.from(payload),
        qos: 1,
        dup: false,
        retain: false,
      }) as const;
    expect(origins.originOfPacket(packet('{"action":"command/update","command":{"id":5}}'))).toBe(
      'c5',
    );
    expect(origins.originOfPacket(packet('not json'))).toBeNull();
    expect(origins.originOfPacket(packet('{"command":null}'))).toBeNull();
  });
});
