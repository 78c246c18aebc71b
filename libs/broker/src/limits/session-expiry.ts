import type { Logger } from '@dh-mqtt/runtime';
import type { Aedes, Client } from 'aedes';
import { localClient, localClients, persistenceOf } from '../aedes-internals';
import type { LimitMetrics } from './limit-metrics';

/**
 * When each persistent session went away (port): {@link MemorySessionClock} for one process,
 * `RedisSessionClock` for a cluster, where a session may leave one pod and the sweep may run on
 * another.
 */
export interface SessionClock {
  /** A persistent session disconnected at `at` (ms). */
  away(clientId: string, at: number): void | Promise<void>;
  /**
   * It is connected again (or gone): not a candidate any more. True when it was away: the
   * sweep purges a session only after taking it off the clock itself, so two sweeps (or a
   * sweep and the session's return) never both act on it.
   */
  back(clientId: string): boolean | Promise<boolean>;
  /** Client ids away since before `before` (ms). */
  awaySince(before: number): readonly string[] | Promise<readonly string[]>;
}

/** {@link SessionClock} for one broker process. */
export class MemorySessionClock implements SessionClock {
  private readonly since = new Map<string, number>();

  away(clientId: string, at: number): void {
    this.since.set(clientId, at);
  }

  back(clientId: string): boolean {
    return this.since.delete(clientId);
  }

  awaySince(before: number): string[] {
    const ids: string[] = [];
    for (const [id, at] of this.since) if (at < before) ids.push(id);
    return ids;
  }
}

/** The aedes-persistence 11 calls a purge uses (memory and Redis both have them). */
interface PurgeApi {
  cleanSubscriptions(client: { id: string }): Promise<void>;
  outgoingStream(client: { id: string }): AsyncIterable<Record<string, unknown>>;
  outgoingUpdate(client: { id: string }, packet: object): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: object): Promise<unknown>;
  cleanIncoming?(client: { id: string }): Promise<void>;
}

/**
 * Removes a session from the persistence: its subscriptions, its queued messages and its inbound
 * QoS 2 state, the way aedes itself empties the queue of a clean reconnect (number each packet,
 * `outgoingUpdate`, `outgoingClearMessageId`), so any aedes-persistence works. Returns how many
 * queued messages were dropped.
 */
export async function purgeSession(persistence: object, clientId: string): Promise<number> {
  const store = persistence as PurgeApi;
  const client = { id: clientId };
  await store.cleanSubscriptions(client);
  let dropped = 0;
  // A persistence may stream a bounded batch (Redis: maxSessionDelivery); repeat until empty.
  for (let pass = 0; pass < 1_000; pass++) {
    const packets: Record<string, unknown>[] = [];
    for await (const packet of store.outgoingStream(client)) packets.push({ ...packet });
    if (packets.length === 0) break;
    for (const [i, packet] of packets.entries()) {
      packet['messageId'] = (i % 65_535) + 1;
      try {
        await store.outgoingUpdate(client, packet);
        if (await store.outgoingClearMessageId(client, packet)) dropped++;
      } catch {
        // replaced or already gone: the next pass sees what is left
      }
    }
  }
  await store.cleanIncoming?.(client);
  return dropped;
}

export interface SessionExpiryOptions {
  /** `DH_SESSION_EXPIRY_SECONDS`; 0 disables the sweep. */
  expirySeconds: number;
  metrics: LimitMetrics;
  logger: Logger;
  /** Default: a {@link MemorySessionClock}. */
  clock?: SessionClock;
  /** Default: a quarter of the expiry, between 100 ms and 60 s. */
  sweepIntervalMs?: number;
}

export interface SessionExpiry {
  /** Purges every session away longer than the expiry; resolves with how many. */
  sweep(now?: number): Promise<number>;
  stop(): void;
}

/**
 * Session expiry for persistent sessions that never return (docs/reliability.md): remembers when
 * each `clean: false` connection went away and periodically purges those away longer than
 * `expirySeconds` ({@link purgeSession}; counted as `session_expiry`). A session that connects
 * again in time is kept; one that connects after the purge starts empty (sessionPresent 0).
 */
export function startSessionExpiry(aedes: Aedes, options: SessionExpiryOptions): SessionExpiry {
  const clock = options.clock ?? new MemorySessionClock();
  const expiryMs = options.expirySeconds * 1000;
  const failed = (err: unknown) =>
    options.logger.warn({ err }, 'session expiry clock unavailable; the next sweep retries');
  const onConnect = (client: Client) => {
    void Promise.resolve()
      .then(() => clock.back(client.id))
      .catch(failed);
  };
  const onDisconnect = (client: Client) => {
    if (client.clean === false && client.id) {
      void Promise.resolve()
        .then(() => clock.away(client.id, Date.now()))
        .catch(failed);
    }
  };
  aedes.on('client', onConnect);
  aedes.on('clientDisconnect', onDisconnect);

  /**
   * Takes this broker's connected persistent sessions off the clock before each sweep. In a
   * cluster a departure can be recorded late: the pod that held a dead connection notices it
   * (keepalive) after its client has reconnected here, and marks a connected session away. This
   * pod sweeps at least every quarter of the expiry, so it clears such a mark long before any pod
   * could expire the session.
   */
  const stillHere = async (): Promise<void> => {
    const here = localClients(aedes)
      .filter((client) => client.clean === false)
      .map((client) => client.id);
    for (let i = 0; i < here.length; i += 500) {
      await Promise.all(here.slice(i, i + 500).map((id) => clock.back(id)));
    }
  };

  let sweeping: Promise<number> | undefined;
  const sweep = (now = Date.now()): Promise<number> =>
    (sweeping ??= (async () => {
      await stillHere();
      let purged = 0;
      for (const id of await clock.awaySince(now - expiryMs)) {
        // Another pod's sweep, or the session's return, took it off first: not ours.
        if (!(await clock.back(id))) continue;
        if (localClient(aedes, id)) continue;
        try {
          const dropped = await purgeSession(persistenceOf(aedes), id);
          purged++;
          options.metrics.hit('session_expiry');
          options.logger.info({ clientId: id, dropped }, 'persistent session expired');
        } catch (err) {
          options.logger.warn({ err, clientId: id }, 'session expiry failed');
        }
      }
      return purged;
    })().finally(() => (sweeping = undefined)));

  const interval = options.sweepIntervalMs ?? Math.min(60_000, Math.max(100, expiryMs / 4));
  const timer =
    expiryMs > 0
      ? setInterval(() => {
          if (!aedes.closed) sweep().catch(failed);
        }, interval)
      : undefined;
  timer?.unref();
  return {
    sweep,
    stop() {
      clearInterval(timer);
      aedes.removeListener('client', onConnect);
      aedes.removeListener('clientDisconnect', onDisconnect);
    },
  };
}
