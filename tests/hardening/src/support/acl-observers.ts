import { AclConnection } from './acl-connection';
import type { OracleSubscription } from './acl-oracle';
import type { AclPrincipal, AclTarget, AclWorld } from './acl-world';

/**
 * How a connection asks for pushes: MQTT topic filters, or subscribe requests
 * (docs/topics/notification.md).
 */
export type AclStyle = 'filters' | 'requests';

/** A request-made subscription and the broker's answer to it. */
export interface AclSubscription {
  spec: OracleSubscription;
  /** The `subscriptionId` of a successful reply; null when refused. */
  id: number | null;
  reply: Record<string, unknown>;
}

/** One observing connection of one principal. */
export interface AclObserver {
  principal: AclPrincipal;
  style: AclStyle;
  conn: AclConnection;
  /** Filters the broker granted (SUBACK ≠ 0x80), and those it refused. */
  granted: string[];
  refused: string[];
  subscriptions: AclSubscription[];
}

/**
 * Sends one request from an observer with a `requestId` that is also a marker: it must come back
 * to that connection alone, exactly once (docs/topics/request.md).
 */
export type ObserverRequest = (
  observer: AclObserver,
  body: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/** Broad filters and a few with concrete levels (docs/topics/README.md, docs/security.md). */
export function filtersOf(world: AclWorld): string[] {
  const { net, type } = world;
  return [
    '#',
    'dh/#',
    '+/request',
    'dh/request',
    'dh/notification/#',
    'dh/command/#',
    'dh/command_update/#',
    `dh/notification/${net.n1}/#`,
    `dh/+/+/${type.t2}/+/+`,
    `dh/command/${net.n2}/+/+/+`,
    `dh/command_update/${net.n1}/${type.t1}/#`,
  ];
}

/**
 * Request-made subscriptions of docs/api/commands.md, docs/api/notifications.md, with and without
 * filters.
 */
export function subscriptionsOf(world: AclWorld): OracleSubscription[] {
  const n2t2 = world.devices[3]?.id ?? '';
  return [
    { action: 'notification/subscribe' },
    {
      action: 'notification/subscribe',
      networkIds: [world.net.n1],
      names: ['n-native', 'n-probe'],
    },
    { action: 'notification/subscribe', deviceTypeIds: [world.type.t2] },
    { action: 'command/subscribe' },
    { action: 'command/subscribe', returnUpdatedCommands: true },
    { action: 'command/subscribe', deviceId: n2t2, returnUpdatedCommands: true },
    { action: 'command/subscribe', networkIds: [world.net.n2], names: ['c-client'] },
  ];
}

/**
 * Connects every principal twice, spread over the target's URLs: a `filters` connection
 * subscribed to {@link filtersOf} and a `requests` connection holding {@link subscriptionsOf}.
 * Both listen on `dh/response/#` first and authenticate with their token when they have one, so
 * filters and subscriptions are judged against the final principal.
 */
export async function connectObservers(
  target: AclTarget,
  world: AclWorld,
  request: ObserverRequest,
): Promise<AclObserver[]> {
  const observers: AclObserver[] = [];
  let n = 0;
  for (const principal of world.principals) {
    for (const style of ['filters', 'requests'] as const) {
      const url = target.mqttUrls[n++ % target.mqttUrls.length] ?? '';
      const clientId = `acl-${world.runId}-${principal.name}-${style}`;
      const { credentials } = principal;
      const conn = await AclConnection.open(
        url,
        clientId,
        credentials.kind === 'login' ? credentials : undefined,
      );
      const observer: AclObserver = {
        principal,
        style,
        conn,
        granted: [],
        refused: [],
        subscriptions: [],
      };
      observers.push(observer);
      await subscribe(observer, 'dh/response/#');
      if (credentials.kind === 'token') {
        const reply = await request(observer, {
          action: 'authenticate',
          token: credentials.accessToken,
        });
        if (reply['status'] !== 'success') {
          throw new Error(`${clientId}: authenticate failed: ${JSON.stringify(reply)}`);
        }
      }
      if (style === 'filters') {
        for (const filter of filtersOf(world)) await subscribe(observer, filter);
      } else {
        for (const spec of subscriptionsOf(world)) {
          const reply = await request(observer, { ...spec });
          const id = reply['status'] === 'success' ? Number(reply['subscriptionId']) : null;
          observer.subscriptions.push({ spec, id, reply });
        }
      }
    }
  }
  return observers;
}

async function subscribe(observer: AclObserver, filter: string): Promise<void> {
  const qos = await observer.conn.subscribe(filter);
  (qos === 128 ? observer.refused : observer.granted).push(filter);
}
