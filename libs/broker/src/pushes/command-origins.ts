import type { DeviceEvent, JsonObject } from '@dh-mqtt/protocol';
import { TtlCache } from '@dh-mqtt/runtime';
import { Gauge, type Registry } from 'prom-client';
import type { RoutedPacket } from './event-packet';

/** Commands remembered per pod (docs/adr/0015): enough for the updates of a busy minute. */
const DEFAULT_CAPACITY = 50_000;
/** How long an insert is remembered: updates usually follow within seconds. */
const DEFAULT_TTL_MS = 60 * 60_000;

/**
 * Who inserted which command through this pod (command id → client id), for command updates that
 * carry no origin: those of a remote DeviceHive server, which knows no MQTT client
 * (docs/adr/0015). Filled from the success replies of `command/insert` requests of this pod's
 * sessions (MQTT requests, native publishes, the REST and WebSocket APIs); read when a
 * `dh/command_update` without origin is delivered on this pod, which is where the inserting
 * session is connected. Bounded: at most `capacity` commands, each for `ttlMs`. An event that
 * carries its origin (the embedded backend's) never looks here.
 */
export class CommandOrigins {
  private readonly entries: TtlCache<number, string>;

  constructor(capacity = DEFAULT_CAPACITY, ttlMs = DEFAULT_TTL_MS, now: () => number = Date.now) {
    this.entries = new TtlCache(capacity, ttlMs, now);
  }

  /** Notes a command this pod's session `clientId` inserted (the reply's `command.id`). */
  record(commandId: unknown, clientId: string): void {
    if (typeof commandId !== 'number' || !Number.isSafeInteger(commandId)) return;
    this.entries.set(commandId, clientId);
  }

  /** The client id that inserted the command through this pod, null when unknown or expired. */
  originOf(commandId: unknown): string | null {
    if (typeof commandId !== 'number') return null;
    return this.entries.get(commandId) ?? null;
  }

  /** The origin of a command update event: its own, else the one this pod remembers. */
  originOfEvent(event: DeviceEvent): string | null {
    if (event.originClientId) return event.originClientId;
    return event.kind === 'command/update' ? this.originOf(event.data['id']) : null;
  }

  /** The origin of a `dh/command_update` packet without one: read from its payload's command id. */
  originOfPacket(packet: RoutedPacket): string | null {
    if (this.entries.size === 0) return null;
    try {
      const text =
        typeof packet.payload === 'string' ? packet.payload : packet.payload.toString('utf8');
      const push = JSON.parse(text) as JsonObject;
      const command = push['command'] as JsonObject | undefined;
      return this.originOf(command?.['id']);
    } catch {
      return null;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** `dh_command_origins`: the commands a pod remembers the inserting session of (docs/operations.md). */
export function registerCommandOrigins(registry: Registry, origins: CommandOrigins): void {
  new Gauge({
    name: 'dh_command_origins',
    help: 'Commands inserted through this pod whose inserting session is remembered (for command updates without origin, remote DeviceHive)',
    registers: [registry],
    collect() {
      this.set(origins.size);
    },
  });
}
