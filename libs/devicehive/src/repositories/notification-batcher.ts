import type { SqlClient } from '../storage/sql-client.port';
import {
  insertClaimedNotifications,
  insertNotifications,
  type NewNotification,
  type StoredNotification,
} from './notification.repository';
import { sqlState } from './query-builder';

interface Pending {
  /** Unset while the place is reserved and its row not known yet (`reserve`). */
  notification: NewNotification | undefined;
  /** Rows of one key are never in two batches in flight at once (see `insert`). */
  orderKey: string | undefined;
  /** The request ledger claim stored with the row (`insertClaimed`); unset = none. */
  claim: string | undefined;
  /** The stored row; null when its claim was made before (nothing stored). */
  resolve(stored: StoredNotification | null): void;
  reject(error: unknown): void;
}

/**
 * A row's place in the batcher's order, taken before the row is known
 * (docs/adr/0023-insert-order-reserved-before-the-device-lookup.md): rows of the same order key
 * handed in later are stored after it. Exactly one of `insert`, `insertClaimed` and `cancel` takes
 * effect; after it the others do nothing but `cancel`, which is always safe to call.
 */
export interface NotificationSlot {
  /** `NotificationBatcher.insert` in this place. */
  insert(notification: NewNotification): Promise<StoredNotification>;
  /** `NotificationBatcher.insertClaimed` in this place. */
  insertClaimed(notification: NewNotification, claim: string): Promise<StoredNotification | null>;
  /** Gives the place up (the request failed before its row was known); later rows move up. */
  cancel(): void;
}

export interface NotificationBatcherOptions {
  /** Most rows per INSERT (one statement of 6 array parameters, whatever the size). Default 500. */
  maxBatch?: number;
  /** INSERT statements in flight at once: 1 for PGlite (one connection), more for a pool. */
  maxInFlight?: number;
}

/**
 * SQLSTATE classes one row can cause (22 data exception, 23 integrity violation, 54 program limit
 * exceeded). After such an error no row of the statement is stored, and retrying row by row is
 * safe; after any other error (connection lost: the commit may have happened) it is not.
 */
const ROW_ERROR_CLASSES = new Set(['22', '23', '54']);

/**
 * Group commit of `notification/insert` (docs/api/notifications.md): inserts that arrive while a
 * batch is being written (or in the same event-loop turn) go into the next one, a single INSERT
 * committed on its own (no transaction block needed: one statement is atomic). Each caller is
 * answered after the statement that stored its row returned, i.e. after the commit, with its own
 * id and timestamp.
 *
 * - Order: rows of a batch get ascending ids in arrival order. Rows of one `orderKey` (the core
 *   passes the client id) never go into a batch while an earlier batch holding that key is in
 *   flight: with several statements in flight (a pool) a later batch could commit first. So a
 *   client's rows are stored, answered and their events emitted in the order it handed them in,
 *   even when its requests are pipelined (docs/adr/0017-pipelined-requests.md).
 * - Isolation: when a batch fails with an error one row can cause (`ROW_ERROR_CLASSES`), nothing of
 *   it was stored and each row is retried alone, so only the bad row fails; other errors fail every
 *   caller of the batch. Callers validate their row before handing it in.
 * - No added delay when idle: the first insert is written at the end of the current turn.
 * - Reserved places (`reserve`, docs/adr/0023-insert-order-reserved-before-the-device-lookup.md):
 *   a place taken before the row is known holds the later rows of its order key until it is
 *   filled or cancelled; rows of other keys go on.
 * - Claims (`insertClaimed`, docs/adr/0019-ledger-claim-in-the-insert.md): a row with a request
 *   ledger claim is stored by the statement that claims it, only when the claim is new. Rows with
 *   and without claims never share a batch (each kind has its own statement); a claim repeated
 *   while its first row waits or is in flight is answered null at once.
 */
export class NotificationBatcher {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private pending: Pending[] = [];
  private inFlight = 0;
  /** Order keys of the batches in flight, with how many of those batches hold each. */
  private readonly keysInFlight = new Map<string, number>();
  /** Claims of the rows waiting or in flight (a repeat is answered null at once). */
  private readonly claimsQueued = new Set<string>();
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly sql: SqlClient,
    options: NotificationBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  /**
   * Stores `notification`; resolves once its row is committed, rejects with the database error.
   * The row is placed in order at once: a later `insert` with the same `orderKey` is stored after
   * it (a later id, a later answer).
   */
  insert(notification: NewNotification, orderKey?: string): Promise<StoredNotification> {
    return this.reserve(orderKey).insert(notification);
  }

  /**
   * As `insert`, with the request ledger claim `claim` (a bus envelope id) made in the same
   * statement: resolves with the stored row, or null when `claim` was claimed before (by this
   * gateway or another one): then nothing is stored.
   */
  insertClaimed(
    notification: NewNotification,
    claim: string,
    orderKey?: string,
  ): Promise<StoredNotification | null> {
    return this.reserve(orderKey).insertClaimed(notification, claim);
  }

  /**
   * Takes the next place in the order of `orderKey` for a row not known yet: the core reserves it
   * for a pipelined `notification/insert` before the device lookup, so that the client's next
   * insert may start its own lookup at once (the two then share one statement) and still be
   * stored after this one.
   */
  reserve(orderKey?: string): NotificationSlot {
    let place: Pending | undefined = {
      notification: undefined,
      orderKey,
      claim: undefined,
      resolve: () => undefined,
      reject: () => undefined,
    };
    this.pending.push(place);
    const take = (): Pending | undefined => {
      const taken = place;
      place = undefined;
      return taken;
    };
    return {
      insert: (notification) =>
        this.fill(take(), notification, undefined) as Promise<StoredNotification>,
      insertClaimed: (notification, claim) => this.fill(take(), notification, claim),
      cancel: () => {
        const reserved = take();
        if (reserved) this.drop(reserved);
      },
    };
  }

  /**
   * Puts the row into its reserved place and schedules the next batch. A claim already waiting or
   * in flight is answered null at once, and the place given up.
   */
  private fill(
    reserved: Pending | undefined,
    notification: NewNotification,
    claim: string | undefined,
  ): Promise<StoredNotification | null> {
    if (!reserved) return Promise.reject(new Error('notification slot already used'));
    if (claim !== undefined) {
      if (this.claimsQueued.has(claim)) {
        this.drop(reserved);
        return Promise.resolve(null);
      }
      this.claimsQueued.add(claim);
    }
    return new Promise((resolve, reject) => {
      reserved.resolve = resolve;
      reserved.reject = reject;
      reserved.claim = claim;
      reserved.notification = notification;
      this.schedule();
    });
  }

  /** Removes a place that will not be filled: the rows it held may go. */
  private drop(reserved: Pending): void {
    const at = this.pending.indexOf(reserved);
    if (at >= 0) this.pending.splice(at, 1);
    this.schedule();
    this.answerIdleWaiters();
  }

  /**
   * Starts the next batches at the end of this event-loop turn: the rows handed in meanwhile join
   * them, and the answers of a batch just written leave (the worker bus posts them at the end of
   * the turn) before the next statement holds the thread.
   */
  private schedule(): void {
    // Places without their rows yet have nothing to write: their fill schedules again.
    if (this.scheduled || this.inFlight >= this.maxInFlight || !this.pending.some(isKnown)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startBatches();
      this.answerIdleWaiters();
    });
  }

  private answerIdleWaiters(): void {
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Resolves when every insert handed in so far has been answered (before closing the storage). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.pending.length === 0 && !this.scheduled;
  }

  private startBatches(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.takeBatch();
      if (batch.length === 0) return; // every waiting row is behind a batch in flight
      const keys = new Set<string>();
      for (const p of batch) if (p.orderKey !== undefined) keys.add(p.orderKey);
      for (const key of keys) this.keysInFlight.set(key, (this.keysInFlight.get(key) ?? 0) + 1);
      this.inFlight += 1;
      void this.write(batch).then(() => {
        this.inFlight -= 1;
        for (const key of keys) {
          const left = (this.keysInFlight.get(key) ?? 1) - 1;
          if (left > 0) this.keysInFlight.set(key, left);
          else this.keysInFlight.delete(key);
        }
        this.schedule();
        this.answerIdleWaiters();
      });
    }
  }

  /**
   * The next batch: waiting rows in order, up to `maxBatch`, leaving those whose key is in a batch
   * in flight (and every later row of that key) for a later batch.
   */
  private takeBatch(): Pending[] {
    const claimedOf = (p: Pending) => p.claim !== undefined;
    const first = this.pending[0];
    if (
      first &&
      this.keysInFlight.size === 0 &&
      this.pending.every((p) => isKnown(p) && claimedOf(p) === claimedOf(first))
    ) {
      return this.pending.splice(0, this.maxBatch);
    }
    // The batch takes the kind of the first row that may be written now: not a place waiting for
    // its row, nor a row behind one of its key, or behind a batch in flight holding its key. So a
    // place never decides the kind for other clients' rows.
    let claimed: boolean | undefined;
    const batch: Pending[] = [];
    const left: Pending[] = [];
    const heldKeys = new Set<string>();
    for (const p of this.pending) {
      const key = p.orderKey;
      const blocked =
        !isKnown(p) || (key !== undefined && (this.keysInFlight.has(key) || heldKeys.has(key)));
      if (!blocked) claimed ??= claimedOf(p);
      if (blocked || claimedOf(p) !== claimed || batch.length >= this.maxBatch) {
        if (key !== undefined) heldKeys.add(key);
        left.push(p);
      } else batch.push(p);
    }
    this.pending = left;
    return batch;
  }

  /** Never rejects: every outcome goes to the callers. */
  private async write(batch: Pending[]): Promise<void> {
    try {
      const stored = await this.store(batch);
      batch.forEach((p, i) => p.resolve(stored[i] ?? null));
    } catch (error) {
      if (batch.length === 1 || !ROW_ERROR_CLASSES.has(sqlState(error)?.slice(0, 2) ?? '')) {
        batch.forEach((p) => p.reject(error));
        return;
      }
      for (const p of batch) {
        try {
          const [stored] = await this.store([p]);
          p.resolve(stored ?? null);
        } catch (rowError) {
          p.reject(rowError);
        }
      }
    } finally {
      for (const p of batch) if (p.claim !== undefined) this.claimsQueued.delete(p.claim);
    }
  }

  /** One statement for `batch` (all rows with claims, or none; every row known). */
  private store(batch: readonly Pending[]): Promise<Array<StoredNotification | null>> {
    if (batch[0]?.claim === undefined) {
      return insertNotifications(
        this.sql,
        batch.map((p) => p.notification as NewNotification),
      );
    }
    return insertClaimedNotifications(
      this.sql,
      batch.map((p) => ({
        notification: p.notification as NewNotification,
        claim: p.claim as string,
      })),
    );
  }
}

/** False for a reserved place whose row is not known yet. */
function isKnown(p: Pending): boolean {
  return p.notification !== undefined;
}
