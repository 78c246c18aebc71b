import { randomUUID } from 'node:crypto';
import { STORAGE_KINDS, useTestDatabase } from '../testing';
import { createRequestLedger } from './request-ledger';

describe(createRequestLedger.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);

    it('lets the first claim of an id through and refuses every later one', async () => {
      const ledger = createRequestLedger(db());
      const id = randomUUID();

      expect(await ledger.claim(id)).toBe(true);
      expect(await ledger.claim(id)).toBe(false);
      expect(await ledger.claim(randomUUID())).toBe(true);
    });

    it('grants exactly one of many concurrent claims of one id', async () => {
      const ledger = createRequestLedger(db());
      const id = randomUUID();

      const claims = await Promise.all(Array.from({ length: 8 }, () => ledger.claim(id)));

      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('claims made in one turn share one statement, each with its own outcome', async () => {
      const sql = db();
      const taken = randomUUID();
      await createRequestLedger(sql).claim(taken);
      const query = jest.spyOn(sql, 'query');
      const ledger = createRequestLedger(sql);
      const fresh = [randomUUID(), randomUUID(), randomUUID()];

      const claims = await Promise.all([
        ledger.claim(fresh[0]),
        ledger.claim(taken),
        ledger.claim(fresh[1]),
        ledger.claim(fresh[0]),
        ledger.claim(fresh[2]),
      ]);

      expect(claims).toEqual([true, false, true, false, true]);
      expect(query).toHaveBeenCalledTimes(1);
      query.mockRestore();
    });

    it('grants one of two gateways claiming the same ids at once', async () => {
      const [a, b] = [createRequestLedger(db()), createRequestLedger(db())];
      const ids = Array.from({ length: 20 }, () => randomUUID());

      const claims = await Promise.all(ids.flatMap((id) => [a.claim(id), b.claim(id)]));

      for (let i = 0; i < ids.length; i += 1) {
        expect([claims[2 * i], claims[2 * i + 1]].filter(Boolean)).toHaveLength(1);
      }
    });

    it('rejects every claim of a batch the database refuses', async () => {
      const sql = db();
      const query = jest.spyOn(sql, 'query').mockRejectedValueOnce(new Error('connection lost'));
      const ledger = createRequestLedger(sql);

      const claims = await Promise.allSettled([ledger.claim('a'), ledger.claim('b')]);

      expect(claims.map((c) => c.status)).toEqual(['rejected', 'rejected']);
      query.mockRestore();
    });

    it('forgets ids claimed before the prune time, and only those', async () => {
      const ledger = createRequestLedger(db());
      const old = randomUUID();
      await ledger.claim(old);
      await db().query(
        "UPDATE dh_request_ledger SET claimed_at = now() - interval '10 minutes' WHERE id = $1",
        [old],
      );
      const recent = randomUUID();
      await ledger.claim(recent);

      expect(await ledger.prune(Date.now() - 5 * 60_000)).toBeGreaterThanOrEqual(1);
      expect(await ledger.claim(old)).toBe(true);
      expect(await ledger.claim(recent)).toBe(false);
    });

    it('keeps ids with quotes, unicode and SQL metacharacters as they are', async () => {
      const ledger = createRequestLedger(db());
      const id = `x'); DROP TABLE dh_request_ledger; -- ü ${randomUUID()}`;

      expect(await ledger.claim(id)).toBe(true);
      expect(await ledger.claim(id)).toBe(false);
    });
  });
});
