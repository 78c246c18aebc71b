import type { JsonObject } from '../envelopes/envelopes';

export type DeviceEventKind = 'notification/insert' | 'command/insert' | 'command/update';

/**
 * A device event (docs/topics/notification.md, docs/architecture.md): emitted by the core after a
 * notification insert, a command insert or a command update; carried to the broker(s) by the bus
 * and published once on its concrete topic
 * `dh/{notification|command|command_update}/{net}/{type}/{device}/{name}`.
 */
export interface DeviceEvent {
  kind: DeviceEventKind;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  /** Notification name or command name. */
  name: string;
  /**
   * The pushed object: notification (7 fields) or command (12 fields), docs/api/commands.md-2.6.
   */
  data: JsonObject;
  /**
   * Commands: the MQTT client id that inserted the command (null when unknown), so that
   * `dh/command_update` pushes reach only that session (docs/topics/notification.md).
   */
  originClientId?: string | null;
}

export type SubscriptionType = 'command' | 'notification';

/** One expanded filter tuple (docs/api/subscriptions.md); null = any. */
export interface SubscriptionFilter {
  networkId: number | null;
  deviceTypeId: number | null;
  deviceId: string | null;
  name: string | null;
}

/**
 * A request-made subscription (`notification/subscribe`, `command/subscribe`): what the client
 * asked (listed back by `subscription/list`, docs/api/subscriptions.md) and the filters it expanded
 * to.
 */
export interface RequestSubscription {
  subscriptionId: number;
  type: SubscriptionType;
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
  timestamp: string | null;
  /**
   * command subscriptions: deliver command/update instead of command/insert (docs/api/commands.md).
   */
  returnUpdatedCommands: boolean;
  /** null = global (every device, including later ones). */
  filters: SubscriptionFilter[] | null;
}

/** Whether an event matches a request-made subscription (docs/api/subscriptions.md). */
export function subscriptionMatches(sub: RequestSubscription, event: DeviceEvent): boolean {
  const wantedKind: DeviceEvent['kind'] =
    sub.type === 'notification'
      ? 'notification/insert'
      : sub.returnUpdatedCommands
        ? 'command/update'
        : 'command/insert';
  if (event.kind !== wantedKind) return false;
  if (sub.names && !sub.names.includes(event.name)) return false;
  if (sub.filters == null) return true;
  return sub.filters.some(
    (f) =>
      (f.networkId == null || f.networkId === event.networkId) &&
      (f.deviceTypeId == null || f.deviceTypeId === event.deviceTypeId) &&
      (f.deviceId == null || f.deviceId === event.deviceId) &&
      (f.name == null || f.name === event.name),
  );
}
