import type { SessionClock } from '../limits/session-expiry';

/**
 * The behaviour every {@link SessionClock} shares, run against each implementation (memory here,
 * Redis in tests/cluster). `create` returns an empty clock.
 */
export function sessionClockContract(name: string, create: () => Promise<SessionClock>): void {
  describe(`${name} (SessionClock contract)`, () => {
    let clock: SessionClock;

    beforeEach(async () => {
      clock = await create();
    });

    it('lists the sessions away since before a time, and only those', async () => {
      await clock.away('early', 1_000);
      await clock.away('late', 5_000);

      expect([...(await clock.awaySince(3_000))]).toEqual(['early']);
      expect([...(await clock.awaySince(5_000))]).toEqual(['early']);
      expect([...(await clock.awaySince(5_001))].sort()).toEqual(['early', 'late']);
    });

    it('forgets a session that came back, and says whether it was away', async () => {
      await clock.away('s', 1_000);

      expect(await clock.back('s')).toBe(true);
      expect(await clock.back('s')).toBe(false);
      expect(await clock.back('never-away')).toBe(false);
      expect([...(await clock.awaySince(10_000))]).toEqual([]);
    });

    it('keeps the latest departure of a session that left twice', async () => {
      await clock.away('twice', 1_000);
      await clock.away('twice', 8_000);

      expect([...(await clock.awaySince(5_000))]).toEqual([]);
      expect([...(await clock.awaySince(9_000))]).toEqual(['twice']);
    });

    it('keeps client ids exactly, whatever characters they hold', async () => {
      const ids = ['a b', 'x/y@z', 'ünï', '*', ''];
      for (const id of ids) await clock.away(id, 1_000);

      expect([...(await clock.awaySince(2_000))].sort()).toEqual([...ids].sort());
    });
  });
}
