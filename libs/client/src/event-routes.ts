import type { DhPush } from './action-types';
import { eventTopicFilter, type EventKind, type EventTopicFilter } from './event-topics';

/** Receives the pushes of a subscription or a topic listener. */
export type PushHandler<P extends DhPush = DhPush> = (push: P, topic: string) => void;

/** A request-made subscription (`notification/subscribe`, `command/subscribe`). */
interface RequestRoute {
  readonly action: 'notification/subscribe' | 'command/subscribe';
  readonly body: object;
  readonly handler: PushHandler;
  /** The server's id on the current connection; a reconnect gets a new one. */
  serverId?: number;
}

/** An MQTT subscription to an event topic filter. */
interface TopicRoute {
  readonly filter: string;
  readonly handler: PushHandler;
}

function levelsMatch(filter: string, topic: string): boolean {
  const want = filter.split('/');
  const got = topic.split('/');
  return want.length === got.length && want.every((level, i) => level === '+' || level === got[i]);
}

/**
 * Where each push goes: to the subscription its `subscriptionId` names, or, with a null id, to
 * every topic listener whose filter matches (docs/api/subscriptions.md "Pushes").
 */
export class EventRoutes {
  private readonly requests = new Set<RequestRoute>();
  private readonly topics = new Set<TopicRoute>();

  /** Adds a request-made subscription; `resubscribe` gives it its server id. */
  addRequest(route: RequestRoute): RequestRoute {
    this.requests.add(route);
    return route;
  }

  removeRequest(route: RequestRoute): void {
    this.requests.delete(route);
  }

  /** The request-made subscriptions to create again on a new connection. */
  requestRoutes(): readonly RequestRoute[] {
    return [...this.requests];
  }

  /** Adds a topic listener; returns its MQTT filter. */
  addTopic(kind: EventKind, filter: EventTopicFilter, handler: PushHandler): TopicRoute {
    const route = { filter: eventTopicFilter(kind, filter), handler };
    this.topics.add(route);
    return route;
  }

  /** The distinct MQTT filters of the topic listeners, to subscribe again on a new connection. */
  topicFilters(): string[] {
    return [...new Set([...this.topics].map((route) => route.filter))];
  }

  /** Removes a topic listener; true when no other listener uses the same filter. */
  removeTopic(route: TopicRoute): boolean {
    this.topics.delete(route);
    return ![...this.topics].some((other) => other.filter === route.filter);
  }

  /** Hands a push to its handlers. */
  dispatch(push: DhPush, topic: string): void {
    if (push.subscriptionId != null) {
      for (const route of this.requests) {
        if (route.serverId === push.subscriptionId) route.handler(push, topic);
      }
      return;
    }
    for (const route of this.topics) {
      if (levelsMatch(route.filter, topic)) route.handler(push, topic);
    }
  }
}

export type { RequestRoute, TopicRoute };
