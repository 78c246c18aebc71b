import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@dh-mqtt/protocol';
import { call, rejection } from '../testing/auth.fixtures';
import type { SqlClient } from '../storage/sql-client.port';
import {
  adminPrincipal,
  insertTestDevice,
  recordingSql,
  STORAGE_KINDS,
  openTestDatabase,
  TEST_JWT_SECRET,
  testNotificationRow,
  useTestDatabase,
  useTestDeviceHive,
} from '../testing';
import { createDeviceHive, type DeviceHive } from '../devicehive';
import { NotificationBatcher } from './notification-batcher';
import { findNotification, type NewNotification } from './notification.repository';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const inserts = (statements: string[]) => statements.filter((s) => s.startsWith('INSERT'));

describe(NotificationBatcher.name, () => {
  describe.each(STORAGE_KINDS)('on %s', (kind) => {
    const db = useTestDatabase(kind);
    let deviceId: string;
    beforeAll(async () => {
      deviceId = await insertTestDevice(db(), { networkId: 1, deviceTypeId: 1 });
    });

    const row = (i: number, overrides: Partial<NewNotification> = {}) =>
      testNotificationRow(deviceId, Date.UTC(2020, 0, 1), i, overrides);

    describe('when many inserts arrive in the same turn', () => {
      it('writes them with one statement and answers each with its own row', async () => {
        const recorded = recordingSql(db());
        const batcher = new NotificationBatcher(recorded.client);
        const rows = Array.from({ length: 40 }, (_, i) => row(i));
        const stored = await Promise.all(rows.map((r) => batcher.insert(r)));

        expect(inserts(recorded.statements)).toHaveLength(1);
        stored.forEach((s, i) => {
          expect(s).toEqual({
            id: expect.any(Number),
            notification: `n${i}`,
            deviceId,
            networkId: 1,
            deviceTypeId: 1,
            timestamp: `2020-01-01T00:00:00.${String(i).padStart(3, '0')}`,
            parameters: { i },
          });
        });
        for (const s of stored) {
          await expect(findNotification(db(), deviceId, s.id)).resolves.toEqual(s);
        }
      });

      it('gives unique ids ascending in arrival order', async () => {
        const batcher = new NotificationBatcher(db());
        const stored = await Promise.all(
          Array.from({ length: 30 }, (_, i) => batcher.insert(row(i))),
        );
        const ids = stored.map((s) => s.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
      });
    });

    describe('when a client waits for each reply before the next insert', () => {
      it('sees its ids ascend in request order while other inserts interleave', async () => {
        const batcher = new NotificationBatcher(db(), { maxInFlight: kind === 'pglite' ? 1 : 4 });
        const noise = Array.from({ length: 50 }, (_, i) => batcher.insert(row(100 + i)));
        const own: number[] = [];
        for (let i = 0; i < 10; i += 1) {
          own.push((await batcher.insert(row(i, { notification: 'own' }))).id);
          noise.push(batcher.insert(row(200 + i)));
        }
        await Promise.all(noise);
        expect(own).toEqual([...own].sort((a, b) => a - b));
      });
    });

    describe('when a client hands in inserts without waiting (docs/adr/0017-pipelined-requests.md)', () => {
      it('stores and answers them in order though later statements finish first', async () => {
        // The first statement is slow: with several in flight, later batches commit before it.
        let statements = 0;
        const slowFirst: SqlClient = {
          ...db(),
          query: async (text, params) => {
            statements += 1;
            if (text.startsWith('INSERT') && statements === 1) await sleep(60);
            return db().query(text, params);
          },
        };
        const batcher = new NotificationBatcher(slowFirst, { maxInFlight: 4 });
        const answered: number[] = [];
        const own: Array<Promise<number>> = [];
        const noise: Array<Promise<unknown>> = [];
        for (let i = 0; i < 6; i += 1) {
          own.push(
            batcher.insert(row(i, { notification: 'own' }), 'own-client').then((stored) => {
              answered.push(i);
              return stored.id;
            }),
          );
          noise.push(batcher.insert(row(100 + i), `other-${i}`));
          await new Promise((resolve) => setImmediate(resolve)); // a batch leaves each turn
        }
        const ids = await Promise.all(own);
        await Promise.all(noise);

        expect(answered).toEqual([0, 1, 2, 3, 4, 5]);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(statements).toBeGreaterThan(1); // the other clients' rows did not wait
      });
    });

    describe('when one row of a batch is rejected by the database', () => {
      it('fails that insert alone and stores the others', async () => {
        const batcher = new NotificationBatcher(db());
        const tooLong = row(1, { notification: 'x'.repeat(200) }); // VARCHAR(128): SQLSTATE 22001
        const results = await Promise.allSettled([
          batcher.insert(row(0)),
          batcher.insert(tooLong),
          batcher.insert(row(2)),
        ]);

        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(results[1]).toMatchObject({ reason: { code: '22001' } });
        for (const result of results) {
          if (result.status !== 'fulfilled') continue;
          await expect(findNotification(db(), deviceId, result.value.id)).resolves.toEqual(
            result.value,
          );
        }
        const { rows } = await db().query(
          `SELECT count(*) AS n FROM dh_notification WHERE length(notification) > 128`,
        );
        expect(rows).toEqual([{ n: 0 }]);
      });
    });

    describe('when inserts carry request ledger claims (docs/adr/0019-ledger-claim-in-the-insert.md)', () => {
      it('never puts claimed and plain rows in one statement, and keeps arrival order', async () => {
        const recorded = recordingSql(db());
        const batcher = new NotificationBatcher(recorded.client);
        const claims = [randomUUID(), randomUUID(), randomUUID()];

        const stored = await Promise.all([
          batcher.insertClaimed(row(0), claims[0] as string, 'k'),
          batcher.insertClaimed(row(1), claims[1] as string, 'k'),
          batcher.insert(row(2), 'k'),
          batcher.insertClaimed(row(3), claims[2] as string, 'k'),
        ]);

        expect(stored.map((s) => s?.notification)).toEqual(['n0', 'n1', 'n2', 'n3']);
        const ids = stored.map((s) => s?.id ?? 0);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        const writes = recorded.statements.filter((s) => s.includes('INSERT INTO dh_notification'));
        expect(writes.map((s) => s.includes('dh_request_ledger'))).toEqual([true, false, true]);
      });

      it('answers a claim repeated while its row waits with null, and stores the row once', async () => {
        const batcher = new NotificationBatcher(db());
        const claim = randomUUID();
        const name = `repeat-${claim.slice(0, 8)}`;

        const [first, repeated] = await Promise.all([
          batcher.insertClaimed(row(0, { notification: name }), claim),
          batcher.insertClaimed(row(0, { notification: name }), claim),
        ]);
        const later = await batcher.insertClaimed(row(0, { notification: name }), claim);

        expect(first).toMatchObject({ notification: name });
        expect(repeated).toBeNull();
        expect(later).toBeNull();
        const { rows } = await db().query<{ n: number | string }>(
          'SELECT count(*) AS n FROM dh_notification WHERE notification = $1',
          [name],
        );
        expect(Number(rows[0]?.n)).toBe(1);
      });
    });

    describe('when places are reserved before their rows are known (docs/adr/0023-insert-order-reserved-before-the-device-lookup.md)', () => {
      it('holds a client’s later rows behind its unfilled place, and lets other clients’ rows go', async () => {
        const recorded = recordingSql(db());
        const batcher = new NotificationBatcher(recorded.client, { maxInFlight: 4 });
        const first = batcher.reserve('reserving-client');
        const second = batcher.reserve('reserving-client');
        const storedSecond = second.insert(row(2, { notification: 'second' }));
        const other = await batcher.insert(row(3, { notification: 'other' }), 'other-client');
        await sleep(20); // several turns: the second row still waits for the first place

        expect(inserts(recorded.statements)).toHaveLength(1); // the other client's row alone
        const storedFirst = await first.insert(row(1, { notification: 'first' }));
        const stored = await storedSecond;
        expect([storedFirst.notification, stored.notification]).toEqual(['first', 'second']);
        expect(storedFirst.id).toBeLessThan(stored.id);
        expect(other.id).toBeLessThan(storedFirst.id);
        expect(inserts(recorded.statements)).toHaveLength(2); // both rows of the client in one
      });

      it('lets the rows behind a cancelled place go, and ignores what is done with it after', async () => {
        const batcher = new NotificationBatcher(db());
        const cancelled = batcher.reserve('cancelling-client');
        const next = batcher.reserve('cancelling-client');
        const storing = next.insert(row(1, { notification: 'after-cancel' }));
        cancelled.cancel();

        await expect(storing).resolves.toMatchObject({ notification: 'after-cancel' });
        await expect(cancelled.insert(row(2))).rejects.toThrow('notification slot already used');
        next.cancel(); // filled: nothing to give up
        await expect(batcher.idle()).resolves.toBeUndefined();
      });

      it('answers a place filled with a claim already queued with null, and stores the row once', async () => {
        const batcher = new NotificationBatcher(db());
        const claim = randomUUID();
        const place = batcher.reserve('claiming-client');
        const firstClaim = batcher.insertClaimed(row(1, { notification: 'claimed-once' }), claim);
        const again = await place.insertClaimed(row(1, { notification: 'claimed-once' }), claim);

        expect(again).toBeNull();
        await expect(firstClaim).resolves.toMatchObject({ notification: 'claimed-once' });
      });

      it('does not hold another client’s row of the other kind behind an unfilled place', async () => {
        const recorded = recordingSql(db());
        const batcher = new NotificationBatcher(recorded.client, { maxInFlight: 4 });
        const waiting = batcher.reserve('slow-client');
        const behind = batcher.reserve('slow-client').insert(row(1, { notification: 'behind' }));
        const other = await batcher.insertClaimed(
          row(2, { notification: 'other-kind' }),
          randomUUID(),
          'quick-client',
        );

        expect(other).toMatchObject({ notification: 'other-kind' });
        waiting.cancel();
        await expect(behind).resolves.toMatchObject({ notification: 'behind' });
      });

      it('becomes idle when the places it waited for are given up in one turn', async () => {
        const batcher = new NotificationBatcher(db(), { maxInFlight: 4 });
        const places = [batcher.reserve('first-client'), batcher.reserve('second-client')];
        let idle = false;
        void batcher.idle().then(() => (idle = true));
        // Two device lookups answered 404 by one statement: both cancels run in the same turn.
        for (const place of places) place.cancel();
        await sleep(20);

        expect(idle).toBe(true);
      });

      it('is not idle while a place waits for its row', async () => {
        const batcher = new NotificationBatcher(db());
        const place = batcher.reserve('idle-client');
        let idle = false;
        void batcher.idle().then(() => (idle = true));
        await sleep(20);

        expect(idle).toBe(false);
        place.cancel();
        await sleep(0);
        expect(idle).toBe(true);
      });
    });

    describe('idle', () => {
      it('resolves once every accepted insert has been answered', async () => {
        const batcher = new NotificationBatcher(db());
        let answered = 0;
        for (let i = 0; i < 5; i += 1) void batcher.insert(row(i)).then(() => (answered += 1));
        await batcher.idle();
        await Promise.resolve(); // let the callbacks of the last answers run
        expect(answered).toBe(5);
      });
    });
  });

  describe('when the database fails for a reason no single row causes', () => {
    it('fails every insert of the batch without retrying any row', async () => {
      let statements = 0;
      const broken: SqlClient = {
        query: () => {
          statements += 1;
          return Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' }));
        },
        exec: () => Promise.resolve(),
        transaction: (work) => work(broken),
        close: () => Promise.resolve(),
      };
      const batcher = new NotificationBatcher(broken);
      const base = {
        deviceId: 'd',
        networkId: 1,
        deviceTypeId: 1,
        timestamp: new Date(0),
        parameters: null,
      };
      const results = await Promise.allSettled(
        ['a', 'b', 'c'].map((notification) => batcher.insert({ ...base, notification })),
      );

      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(statements).toBe(1); // the commit may have happened: a retry could store twice
    });
  });

  describe.each(STORAGE_KINDS)('behind notification/insert on %s', (kind) => {
    const core = useTestDeviceHive(kind);

    it('answers concurrent inserts each with its own stored row, and a bad one alone with 400', async () => {
      const deviceId = await insertTestDevice(core().sql, { networkId: 1, deviceTypeId: 1 });
      const request = (i: number): JsonObject =>
        i === 7
          ? { deviceId, notification: { notification: 'bad', parameters: [1] } }
          : { deviceId, notification: { notification: `c${i}`, timestamp: i, parameters: { i } } };
      const replies = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          call(core(), 'notification/insert', request(i), adminPrincipal()),
        ),
      );

      expect(replies[7]?.status).toBe('rejected');
      await expect(
        rejection(Promise.reject((replies[7] as PromiseRejectedResult).reason)),
      ).resolves.toEqual({
        status: 400,
        message: `'parameters' must be JSON Object!`,
      });
      const ids = new Set<number>();
      for (const [i, reply] of replies.entries()) {
        if (i === 7) continue;
        if (reply.status !== 'fulfilled') throw reply.reason;
        const { id, timestamp } = reply.value.body['notification'] as {
          id: number;
          timestamp: string;
        };
        ids.add(id);
        expect(timestamp).toBe(`1970-01-01T00:00:00.${String(i).padStart(3, '0')}`);
        const got = await call(
          core(),
          'notification/get',
          { deviceId, notificationId: id },
          adminPrincipal(),
        );
        expect(got.body['notification']).toMatchObject({
          id,
          notification: `c${i}`,
          timestamp,
          parameters: { i },
        });
      }
      expect(ids.size).toBe(19);
    });
  });

  describe.each(STORAGE_KINDS)(
    'behind a client’s pipelined notification/insert on %s (docs/adr/0023-insert-order-reserved-before-the-device-lookup.md)',
    (kind) => {
      let core: DeviceHive | undefined;
      let statements: string[] = [];
      let deviceId: string;
      beforeAll(async () => {
        const recorded = recordingSql(await openTestDatabase(kind));
        statements = recorded.statements;
        core = await createDeviceHive({ sql: recorded.client, jwtSecret: TEST_JWT_SECRET });
        deviceId = await insertTestDevice(core.sql, { networkId: 1, deviceTypeId: 1 });
      }, 60_000);
      afterAll(async () => {
        await core?.close();
      });

      /** Runs request i once request i − 1 called `sequenced()` (the bus's `KeyedSerialQueue`). */
      const pipelined = (requests: JsonObject[]) => {
        let previous = Promise.resolve();
        return requests.map((request) => {
          let release!: () => void;
          const released = new Promise<void>((resolve) => (release = resolve));
          const started = previous.then(() =>
            (core as DeviceHive).execute('notification/insert', request, {
              principal: adminPrincipal(),
              clientId: 'pipelining-client',
              sequenced: release,
            }),
          );
          previous = released;
          void started.finally(release).catch(() => undefined);
          return started;
        });
      };
      const deviceReads = () => statements.filter((s) => s.includes('FROM dh_device d WHERE d.id'));

      it('starts each insert before the device lookup of the one before, and stores them in order with one statement', async () => {
        statements.length = 0;
        const replies = await Promise.all(
          pipelined(
            Array.from({ length: 12 }, (_, i) => ({
              deviceId,
              notification: { notification: `p${i}` },
            })),
          ),
        );

        const rows = replies.map((reply) => reply.body['notification'] as { id: number });
        expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
        expect(inserts(statements)).toHaveLength(1);
        // Twelve lookups, one read: one statement (PostgreSQL), one cache miss (PGlite).
        expect(deviceReads()).toHaveLength(1);
      });

      it('gives up the place of an insert that fails its device check: the ones behind it are stored', async () => {
        const requests = Array.from({ length: 5 }, (_, i) => ({
          deviceId: i === 1 ? 'no-such-device' : deviceId,
          notification: { notification: `f${i}` },
        }));
        const replies = await Promise.allSettled(pipelined(requests));

        expect(replies.map((r) => r.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'fulfilled',
          'fulfilled',
        ]);
        await expect(
          rejection(Promise.reject((replies[1] as PromiseRejectedResult).reason)),
        ).resolves.toMatchObject({ status: 404 });
        const ids = replies.flatMap((r) =>
          r.status === 'fulfilled' ? [(r.value.body['notification'] as { id: number }).id] : [],
        );
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      });
    },
  );
});
