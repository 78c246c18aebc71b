import type { Client } from 'aedes';
import { disableCounterDedupe } from '../delivery/delivery-window';
import { ClientSession } from './client-session';

/**
 * Sessions by connection. Keyed by the aedes Client object, not the client id: during a takeover
 * (MQTT-3.1.4-2) the old and the new connection share an id but not a session.
 */
export class SessionRegistry {
  private readonly sessions = new WeakMap<Client, ClientSession>();
  private readonly targets = new Set<ClientSession>();
  private targetWatcher: { added(): void; removed(): void } | undefined;

  /** Told when a session becomes a push target and when it stops being one. */
  watchTargets(watcher: { added(): void; removed(): void }): void {
    this.targetWatcher = watcher;
  }

  /** The session of `client`, created on first use (CONNECT). */
  open(client: Client): ClientSession {
    let session = this.sessions.get(client);
    if (!session) {
      disableCounterDedupe(client);
      session = new ClientSession(client.id, client, (s) => this.addPushTarget(s));
      this.sessions.set(client, session);
    }
    return session;
  }

  get(client: Client | null | undefined): ClientSession | undefined {
    return client ? this.sessions.get(client) : undefined;
  }

  /**
   * Sessions that want pod-local pushes (request-made subscriptions or private event filters),
   * so an event costs nothing for the other connections.
   */
  pushTargets(): Iterable<ClientSession> {
    return this.targets;
  }

  /** Adds a session with a private event filter (docs/topics/README.md) to {@link pushTargets}. */
  addPushTarget(session: ClientSession): void {
    if (this.targets.has(session)) return;
    this.targets.add(session);
    this.targetWatcher?.added();
  }

  /** Removes a session from {@link pushTargets} (connection closed, nothing left to push). */
  removePushTarget(session: ClientSession): void {
    if (this.targets.delete(session)) this.targetWatcher?.removed();
  }
}
