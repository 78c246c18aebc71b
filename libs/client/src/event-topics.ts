/**
 * Topic names the client needs (docs/topics/README.md). Written here rather than imported from
 * `@dh-mqtt/protocol`, whose runtime loads decorator metadata: the client ships to browsers with
 * `mqtt` as its only dependency. A spec checks them against the protocol's formatters.
 */

/** Where every request goes (docs/topics/request.md). */
export const REQUEST_TOPIC = 'dh/request';

/** Every reply to this client, whatever the action; nobody else's ever matches it. */
export const RESPONSE_FILTER = 'dh/response/#';

/** The three kinds of event topic (docs/topics/notification.md, command.md, command-update.md). */
export type EventKind = 'notification' | 'command' | 'command_update';

/** Which events of a kind: a level left out matches any (`+`). */
export interface EventTopicFilter {
  networkId?: number;
  deviceTypeId?: number;
  deviceId?: string;
  name?: string;
}

/** `dh/{kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}` with `+` for each level left out. */
export function eventTopicFilter(kind: EventKind, filter: EventTopicFilter = {}): string {
  const level = (value: string | number | undefined): string =>
    value === undefined ? '+' : String(value);
  const { networkId, deviceTypeId, deviceId, name } = filter;
  return `dh/${kind}/${[networkId, deviceTypeId, deviceId, name].map(level).join('/')}`;
}

/** The kind of an event topic, or undefined for any other topic. */
export function eventKindOf(topic: string): EventKind | undefined {
  const kind = topic.split('/', 2)[1];
  return topic.startsWith('dh/') &&
    (kind === 'notification' || kind === 'command' || kind === 'command_update')
    ? kind
    : undefined;
}
