import type { Client } from 'aedes';
import { ClientSession } from './client-session';

/**
 * Sessions by connection. Keyed by the aedes Client object, not the client id: during a takeover
 * (MQTT-3.1.4-2) the old and the new connection share an id but not a session.
 */
export class SessionRegistry {
  private readonly sessions = new WeakMap<Client, ClientSession>();

  /** The session of `client`, created on first use (CONNECT). */
  open(client: Client): ClientSession {
    let session = this.sessions.get(client);
    if (!session) {
      session = new ClientSession(client.id);
      this.sessions.set(client, session);
    }
    return session;
  }

  get(client: Client | null | undefined): ClientSession | undefined {
    return client ? this.sessions.get(client) : undefined;
  }
}
