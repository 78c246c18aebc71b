import type { DeviceEvent } from '@dh-mqtt/protocol';

/** Commands remembered at once; the oldest is forgotten first. */
export const COMMAND_ORIGINS_MAX = 100_000;

/**
 * Which MQTT client inserted which command through this process (docs/adr/0014, "Events"): the
 * remote server does not know MQTT client ids, so a `command/update` event from its stream gets
 * its `originClientId` here and reaches the originator's `dh/command_update` subscription
 * (docs/topics/notification.md). Bounded; a command inserted elsewhere stays without origin.
 */
export class CommandOrigins {
  private readonly origins = new Map<number, string>();

  constructor(private readonly max = COMMAND_ORIGINS_MAX) {}

  remember(commandId: number, clientId: string): void {
    this.origins.delete(commandId);
    this.origins.set(commandId, clientId);
    if (this.origins.size > this.max) {
      const oldest = this.origins.keys().next().value;
      if (oldest !== undefined) this.origins.delete(oldest);
    }
  }

  /** The event with its origin filled in when it is a command this process inserted. */
  enrich(event: DeviceEvent): DeviceEvent {
    if (event.kind === 'notification/insert' || event.originClientId) return event;
    const id = event.data['id'];
    const origin = typeof id === 'number' ? this.origins.get(id) : undefined;
    return origin === undefined ? event : { ...event, originClientId: origin };
  }
}
