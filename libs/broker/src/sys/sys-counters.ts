import { PRODUCT_VERSION } from '@dh-mqtt/runtime';
import type { Client } from 'aedes';
import type { BrokerContext } from '../broker-context';

/** Running `$SYS` publisher; `stop()` clears its timer. */
export interface SysCounters {
  stop(): void;
}

/**
 * Mosquitto's `$SYS/broker/...` counters under this broker's id, as aedes' own `$SYS` topics
 * (docs/topics/ordinary-and-sys.md): `$SYS/{brokerId}/broker/version`, `/uptime`,
 * `/clients/connected`, `/messages/received`, `/messages/sent`, `/messages/dropped`, `/requests`
 * (counts since start), every `sysIntervalSeconds`, and once right after a `$SYS` subscription
 * so a new reader need not wait. QoS 0, never retained (each pod of a cluster publishes its
 * own). Who may read them is `authorizeSubscribe`'s decision: admins only by default.
 */
export function startSysCounters(ctx: BrokerContext, intervalSeconds: number): SysCounters {
  if (intervalSeconds <= 0) return { stop: () => undefined };
  const { aedes, metrics } = ctx;
  const prefix = `$SYS/${ctx.brokerId}/broker/`;
  const startedAt = Date.now();
  const publish = () => {
    if (aedes.closed) return;
    const sent = metrics.messagesSent[0] + metrics.messagesSent[1] + metrics.messagesSent[2];
    // Lost to a full queue or an oversized packet (Mosquitto's sense); not access filtering.
    const dropped = metrics.dropped[1] + metrics.dropped[2];
    const values: [string, string][] = [
      ['version', `dh-mqtt ${PRODUCT_VERSION}`],
      ['uptime', `${Math.floor((Date.now() - startedAt) / 1000)} seconds`],
      ['clients/connected', String(aedes.connectedClients)],
      ['messages/received', String(metrics.messagesReceived)],
      ['messages/sent', String(sent)],
      ['messages/dropped', String(dropped)],
      ['requests', String(metrics.requestsAnswered)],
    ];
    for (const [topic, payload] of values) {
      aedes.publish(
        {
          cmd: 'publish',
          topic: prefix + topic,
          payload: Buffer.from(payload),
          qos: 0,
          retain: false,
          dup: false,
        },
        () => undefined,
      );
    }
  };
  const timer = setInterval(publish, intervalSeconds * 1000);
  timer.unref();
  const onSubscribe = (subscriptions: { topic: string }[], _client: Client) => {
    if (subscriptions.some((s) => s.topic.startsWith('$SYS'))) setImmediate(publish);
  };
  aedes.on('subscribe', onSubscribe);
  return {
    stop() {
      clearInterval(timer);
      aedes.off('subscribe', onSubscribe);
    },
  };
}
