import {
  Permission,
  canSeeDevice,
  hasPermission,
  isEventKind,
  parseTopic,
  type EventTopic,
  type Principal,
} from '@dh-mqtt/protocol';
import type { AedesOptions } from 'aedes';
import type { BrokerContext } from '../broker-context';

type AuthorizeForward = NonNullable<AedesOptions['authorizeForward']>;

/**
 * aedes `authorizeForward`: the last check before a packet is written to one subscriber, whatever
 * filter matched it (`#` included), also for offline queues replayed on reconnect.
 * - `dh/request`: never (mqtt-api.md §8: nobody reads others' requests).
 * - `dh/response/...@{owner}` and other owned topics: the owner only (mqtt-api.md §2, §4).
 * - event topics: sessions whose principal may see that device's events (mqtt-api.md §5).
 * - any other `dh/...`: never. Ordinary and `$` topics: as routed.
 */
export function createAuthorizeForward(ctx: BrokerContext): AuthorizeForward {
  return (client, packet) => {
    const topic = packet.topic;
    if (!topic.startsWith('dh/')) return packet;
    const parsed = parseTopic(topic);
    switch (parsed.kind) {
      case 'response':
        return parsed.owner === client.id ? packet : null;
      default:
        if (!isEventKind(parsed.kind)) return null;
        return mayReceive(parsed as EventTopic, client.id, ctx.sessions.get(client)?.principal)
          ? packet
          : null;
    }
  };
}

function mayReceive(
  event: EventTopic,
  clientId: string,
  principal: Principal | null | undefined,
): boolean {
  if (!principal) return false;
  if (event.owner !== null && event.owner !== clientId) return false;
  const permission =
    event.kind === 'notification' ? Permission.GetDeviceNotification : Permission.GetDeviceCommand;
  return hasPermission(principal, permission) && canSeeDevice(principal, event);
}
