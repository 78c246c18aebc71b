import { isEventKind, parseFilter, topicMatches, type EventFilter } from '@dh-mqtt/protocol';
import type { Client } from 'aedes';
import { grantedSubscriptions } from '../aedes-internals';

/** The topic filters a connection holds at MQTT level, as aedes granted them. */
export function mqttFiltersOf(client: Client): string[] {
  return Object.keys(grantedSubscriptions(client));
}

/** The event filters of a connection: filter text and its parsed form. */
export function eventFiltersOf(client: Client): Array<{ topic: string; filter: EventFilter }> {
  const filters = [];
  for (const topic of mqttFiltersOf(client)) {
    const filter = parseFilter(topic);
    if (isEventKind(filter.kind)) filters.push({ topic, filter: filter as EventFilter });
  }
  return filters;
}

/** Whether a connection has a private event filter (`…/{name}@{its id}`, docs/topics/README.md). */
export function hasPrivateEventFilter(client: Client): boolean {
  return eventFiltersOf(client).some(({ filter }) => filter.owner === client.id);
}

/**
 * Whether one of the connection's private event filters matches the event topic made private to
 * it (`{topic}@{clientId}`). Events are published on their public topic only, so aedes never
 * routes to these filters; the broker pushes to them itself.
 */
export function privateFilterMatches(client: Client, privateTopic: string): boolean {
  return eventFiltersOf(client).some(
    ({ topic, filter }) => filter.owner === client.id && topicMatches(topic, privateTopic),
  );
}
