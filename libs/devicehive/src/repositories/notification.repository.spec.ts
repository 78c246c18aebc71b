import type { JsonObject } from '@dh-mqtt/protocol';
import { insertTestDevice, STORAGE_KINDS, testNotificationRow, useTestDatabase } from '../testing';
import { randomUUID } from 'node:crypto';
import {
  findNotification,
  insertClaimedNotifications,
  insertNotifications,
  type NewNotification,
} from './notification.repository';

/** Names and strings that need quoting or escaping in an array literal or in JSON. */
const AWKWARD = [
  'a,b',
  'say "hi"',
  "it's",
  'back\\slash',
  '{braces}',
  '{"a":1}',
  'NULL',
  'null',
  '',
  ' padded ',
  'line\nbreak',
  'tab\there',
  'emoji 😀 ünïcödé',
  '\\"{,}"\\',
];

describe.each(STORAGE_KINDS)('notification rows on %s', (kind) => {
  const db = useTestDatabase(kind);
  let deviceId: string;
  beforeAll(async () => {
    deviceId = await insertTestDevice(db(), { networkId: 1, deviceTypeId: 1 });
  });

  const row = (i: number, overrides: Partial<NewNotification> = {}) =>
    testNotificationRow(deviceId, Date.UTC(2021, 5, 7, 8, 9, 10), i, overrides);

  describe(insertNotifications.name, () => {
    /** The stored rows with those ids, as the database has them, by id. */
    async function readBack(ids: readonly number[]) {
      const { rows } = await db().query<{
        id: number;
        notification: string;
        ts: string;
        parameters: JsonObject | null;
        sql_null: boolean;
      }>(
        `SELECT id, notification, to_char(timestamp, 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS ts,
           parameters, parameters IS NULL AS sql_null
         FROM dh_notification WHERE id = ANY($1::bigint[]) ORDER BY id`,
        [[...ids]],
      );
      return rows;
    }

    describe('when a batch has names and parameters that need quoting', () => {
      it('stores every name and parameter object verbatim, and null parameters as SQL NULL', async () => {
        const items = AWKWARD.map((name, i) =>
          row(i, {
            notification: name,
            parameters:
              i % 3 === 0
                ? null
                : { name, list: [name, null, 1.5, { [name]: name }], nested: { empty: {} } },
          }),
        );
        const stored = await insertNotifications(db(), items);

        const rows = await readBack(stored.map((s) => s.id));
        expect(rows).toEqual(
          items.map((item, i) => ({
            id: stored[i]?.id,
            notification: item.notification,
            ts: `2021-06-07T08:09:10.${String(i).padStart(3, '0')}`,
            parameters: item.parameters,
            sql_null: item.parameters === null,
          })),
        );
        for (const s of stored) {
          await expect(findNotification(db(), deviceId, s.id)).resolves.toEqual(s);
        }
      });

      it('stores a single row the same way', async () => {
        const [withNull] = await insertNotifications(db(), [
          row(0, { notification: 'x,"\\{}', parameters: null }),
        ]);
        const [withObject] = await insertNotifications(db(), [
          row(1, { notification: '😀', parameters: { s: 'x,"\\{}' } }),
        ]);
        const rows = await readBack([withNull?.id ?? 0, withObject?.id ?? 0]);
        expect(rows.map((r) => [r.notification, r.parameters, r.sql_null])).toEqual([
          ['x,"\\{}', null, true],
          ['😀', { s: 'x,"\\{}' }, false],
        ]);
      });
    });

    describe('when a batch has 200 rows', () => {
      it('gives them ids ascending in the order given, each id on its own row', async () => {
        const items = Array.from({ length: 200 }, (_, i) =>
          row(i, { notification: `order-${i}`, timestamp: new Date(Date.UTC(2021, 0, 1) - i) }),
        );
        const stored = await insertNotifications(db(), items);

        const ids = stored.map((s) => s.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(200);
        const rows = await readBack(ids);
        expect(rows.map((r) => [r.id, r.notification])).toEqual(
          stored.map((s, i) => [s.id, `order-${i}`]),
        );
      });
    });

    describe('when one row of a batch violates a constraint', () => {
      it('rejects the batch and stores none of its rows', async () => {
        const items = Array.from({ length: 10 }, (_, i) =>
          row(i, { notification: i === 6 ? 'x'.repeat(129) : `atomic-${i}` }),
        );
        // VARCHAR(128): SQLSTATE 22001
        await expect(insertNotifications(db(), items)).rejects.toMatchObject({ code: '22001' });

        const { rows } = await db().query(
          `SELECT count(*) AS n FROM dh_notification
           WHERE notification LIKE 'atomic-%' OR length(notification) > 128`,
        );
        expect(rows).toEqual([{ n: 0 }]);
      });
    });

    it('stores nothing for an empty batch', async () => {
      await expect(insertNotifications(db(), [])).resolves.toEqual([]);
    });
  });

  describe(insertClaimedNotifications.name, () => {
    async function ledgerHas(ids: readonly string[]): Promise<string[]> {
      const { rows } = await db().query<{ id: string }>(
        'SELECT id FROM dh_request_ledger WHERE id = ANY($1::text[]) ORDER BY id',
        [[...ids]],
      );
      return rows.map((r) => r.id);
    }

    async function storedNames(prefix: string): Promise<string[]> {
      const { rows } = await db().query<{ notification: string }>(
        'SELECT notification FROM dh_notification WHERE notification LIKE $1 ORDER BY id',
        [`${prefix}%`],
      );
      return rows.map((r) => r.notification);
    }

    describe('when some claims were made before', () => {
      it('stores only the rows whose claim is new, each with its own id, in the order given', async () => {
        const prefix = `claimed-${randomUUID().slice(0, 8)}-`;
        const claims = Array.from({ length: 6 }, () => randomUUID());
        // Claims 1 and 4 ran already (another gateway claimed them).
        await db().query('INSERT INTO dh_request_ledger (id) VALUES ($1), ($2)', [
          claims[1],
          claims[4],
        ]);
        const items = claims.map((claim, i) => ({
          notification: row(i, { notification: `${prefix}${i}` }),
          claim,
        }));

        const stored = await insertClaimedNotifications(db(), items);

        expect(stored.map((s) => s?.notification ?? null)).toEqual([
          `${prefix}0`,
          null,
          `${prefix}2`,
          `${prefix}3`,
          null,
          `${prefix}5`,
        ]);
        await expect(storedNames(prefix)).resolves.toEqual(
          [0, 2, 3, 5].map((i) => `${prefix}${i}`),
        );
        for (const s of stored) {
          if (s) await expect(findNotification(db(), deviceId, s.id)).resolves.toEqual(s);
        }
        await expect(ledgerHas(claims)).resolves.toEqual([...claims].sort());
      });
    });

    describe('when a single row is claimed twice', () => {
      it('stores it the first time and answers null the second time, storing nothing', async () => {
        const prefix = `single-${randomUUID().slice(0, 8)}`;
        const claim = randomUUID();
        const item = { notification: row(0, { notification: prefix, parameters: null }), claim };

        const [first] = await insertClaimedNotifications(db(), [item]);
        const [second] = await insertClaimedNotifications(db(), [item]);

        expect(first).toMatchObject({ notification: prefix, parameters: null });
        expect(second).toBeNull();
        await expect(storedNames(prefix)).resolves.toEqual([prefix]);
      });
    });

    describe('when one row of a batch violates a constraint', () => {
      it('rejects the batch and keeps none of its rows or claims', async () => {
        const prefix = `claim-atomic-${randomUUID().slice(0, 8)}-`;
        const claims = Array.from({ length: 4 }, () => randomUUID());
        const items = claims.map((claim, i) => ({
          notification: row(i, { notification: i === 2 ? 'x'.repeat(129) : `${prefix}${i}` }),
          claim,
        }));

        await expect(insertClaimedNotifications(db(), items)).rejects.toMatchObject({
          code: '22001',
        });

        await expect(storedNames(prefix)).resolves.toEqual([]);
        await expect(ledgerHas(claims)).resolves.toEqual([]);
      });
    });
  });
});
