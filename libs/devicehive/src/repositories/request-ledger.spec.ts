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
