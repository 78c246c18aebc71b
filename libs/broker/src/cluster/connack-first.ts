import type { Client } from 'aedes';
import { connackSent, wrapDelivery } from '../aedes-internals';
import type { DhBroker } from '../broker';

/**
 * [MQTT-3.2.0-1]: the first packet a server sends on a connection is CONNACK. aedes restores a
 * persistent session's subscriptions before it writes CONNACK; with the in-memory emitter nothing
 * can arrive in between, but with mqemitter-redis a message published a moment earlier (on any
 * pod) comes back from Redis in that gap and is written first. MQTT.js then stalls on that
 * PUBLISH and never reads the CONNACK behind it (seen when a session resumes on another pod during
 * traffic). This holds deliveries to a connection until its CONNACK is out, in arrival order,
 * then hands them to aedes as if they had just arrived; except a persistent session's QoS > 0
 * messages, which its stored queue (sent right after CONNACK) already holds.
 *
 * Returns the broker with a wrapping `handle`; give that one to the transports.
 */
export function connackFirst(broker: DhBroker): DhBroker {
  const held = new WeakMap<Client, Array<() => void>>();
  const release = (client: Client) => {
    const queue = held.get(client);
    held.delete(client);
    for (const deliver of queue ?? []) deliver();
  };
  broker.aedes.on('connackSent', (_connack: unknown, client: Client) => {
    // aedes emits this right after the CONNACK write and before it sets `connackSent`.
    setImmediate(() => release(client));
  });

  const handle: DhBroker['handle'] = (conn, req) => {
    const client = broker.handle(conn, req);
    for (const name of ['deliver0', 'deliverQoS'] as const) {
      wrapDelivery(client, name, (deliver) => (packet, done) => {
        if (connackSent(client)) return deliver(packet, done);
        // A persistent session's QoS 1/2 message was stored in its queue before it was emitted;
        // the queue is sent right after CONNACK, in order: sending it live too would reorder.
        if (name === 'deliverQoS' && client.clean === false && (packet as { qos?: number }).qos) {
          return setImmediate(done);
        }
        const queue = held.get(client) ?? [];
        held.set(client, queue);
        queue.push(() => deliver(packet, done));
      });
    }
    // A connection that never gets its CONNACK: aedes deals with the deliveries as it would have.
    conn.once('close', () => release(client));
    return client;
  };
  return { ...broker, handle };
}
