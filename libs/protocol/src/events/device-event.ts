import type { JsonObject } from '../envelopes/envelopes';

export type DeviceEventKind = 'notification/insert' | 'command/insert' | 'command/update';

/**
 * A device event (mqtt-api.md §5, DESIGN.md §4): emitted by the core after a notification insert,
 * a command insert or a command update; carried to the broker(s) by the bus and published once on
 * its concrete topic `dh/{notification|command|command_update}/{net}/{type}/{device}/{name}`.
 */
export interface DeviceEvent {
  kind: DeviceEventKind;
  deviceId: string;
  networkId: number;
  deviceTypeId: number;
  /** Notification name or command name. */
  name: string;
  /** The pushed object: notification (7 fields) or command (12 fields), devicehive-api.md §2.5-2.6. */
  data: JsonObject;
  /**
   * Commands: the MQTT client id that inserted the command (null when unknown), so that
   * `dh/command_update` pushes reach only that session (mqtt-api.md §5).
   */
  originClientId?: string | null;
}

export type SubscriptionType = 'command' | 'notification';

/** One expanded filter tuple (devicehive-api.md §6.1); null = any. */
export interface SubscriptionFilter {
  networkId: number | null;
  deviceTypeId: number | null;
  deviceId: string | null;
  name: string | null;
}

/**
 * A request-made subscription (`notification/subscribe`, `command/subscribe`): what the client
 * asked (listed back by `subscription/list`, §2.8) and the filters it expanded to.
 */
export interface RequestSubscription {
  subscriptionId: number;
  type: SubscriptionType;
  deviceId: string | null;
  networkIds: number[] | null;
  deviceTypeIds: number[] | null;
  names: string[] | null;
  timestamp: string | null;
  /** command subscriptions: deliver command/update instead of command/insert (§6.5). */
  returnUpdatedCommands: boolean;
  /** null = global (every device, including later ones). */
  filters: SubscriptionFilter[] | null;
}

/** Whether an event matches a request-made subscription (devicehive-api.md §6.1). */
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
