import {
  DhError,
  errorReplyFrom,
  isSubscribeAction,
  type Reply,
  type RequestMessage,
} from '@dh-mqtt/protocol';
import { DEFAULTS, type BrokerConfig, type Logger } from '@dh-mqtt/runtime';
import type { Client } from 'aedes';
import { meterReads } from '../aedes-internals';
import type { ClientSession } from '../session/client-session';
import { InflightWindows } from './inflight-window';
import type { LimitMetrics } from './limit-metrics';
import {
  MAX_READ_BYTES,
  ReadHold,
  loggedHolds,
  readHoldPolicy,
  type ReadHoldCounts,
  type ReadHoldPolicy,
} from './read-hold';
import { KeyedTokenBuckets, TokenBucket } from './token-bucket';

/** The limits of docs/reliability.md that `createBroker` enforces itself. */
export type LimitSettings = Pick<
  BrokerConfig,
  | 'maxTopicLevels'
  | 'maxSubscriptionsPerClient'
  | 'maxInflight'
  | 'maxOfflineQueue'
  | 'maxPendingRequests'
  | 'sessionExpirySeconds'
  | 'requestRate'
  | 'requestBurst'
  | 'connectRatePerIp'
  | 'connectBurstPerIp'
  | 'connectRateExempt'
>;

/** `settings` with the documented default for every limit left out. */
export function resolveLimitSettings(settings: Partial<LimitSettings>): LimitSettings {
  const pick = <K extends keyof LimitSettings>(key: K): LimitSettings[K] =>
    settings[key] ?? (DEFAULTS[key] as LimitSettings[K]);
  return {
    maxTopicLevels: pick('maxTopicLevels'),
    maxSubscriptionsPerClient: pick('maxSubscriptionsPerClient'),
    maxInflight: pick('maxInflight'),
    maxOfflineQueue: pick('maxOfflineQueue'),
    maxPendingRequests: pick('maxPendingRequests'),
    sessionExpirySeconds: pick('sessionExpirySeconds'),
    requestRate: pick('requestRate'),
    requestBurst: pick('requestBurst'),
    connectRatePerIp: pick('connectRatePerIp'),
    connectBurstPerIp: pick('connectBurstPerIp'),
    connectRateExempt: pick('connectRateExempt'),
  };
}

/**
 * Per-broker limit state: request and connection token buckets, subscription counts, the
 * in-flight windows. One per `createBroker`; everything keyed by connection lives in WeakMaps and
 * goes with it.
 */
export class BrokerLimits {
  readonly inflight: InflightWindows;
  private readonly requestBuckets = new WeakMap<ClientSession, TokenBucket>();
  private readonly filters = new WeakMap<ClientSession, Set<string>>();
  private readonly connectBuckets: KeyedTokenBuckets | null;
  private readonly exempt: ReadonlySet<string>;
  /** When a connection's reads are held (ADR 0020), for MQTT and the WebSocket API alike. */
  readonly readHold: ReadHoldPolicy;

  constructor(
    readonly settings: LimitSettings,
    readonly metrics: LimitMetrics,
    private readonly readCounts: ReadHoldCounts = {
      held: () => undefined,
      released: () => undefined,
    },
    private readonly logger?: Logger,
  ) {
    this.readHold = readHoldPolicy(settings.maxPendingRequests);
    this.inflight = new InflightWindows(settings.maxInflight, settings.maxOfflineQueue, metrics);
    this.connectBuckets =
      settings.connectRatePerIp > 0
        ? new KeyedTokenBuckets(settings.connectRatePerIp, settings.connectBurstPerIp)
        : null;
    this.exempt = new Set(settings.connectRateExempt);
  }

  /**
   * Whether a new connection from `address` may be served (`DH_CONNECT_RATE_PER_IP`). Exempt and
   * unknown addresses always pass. A refusal is counted; the caller closes the socket.
   */
  admitConnection(address: string | undefined): boolean {
    if (!this.connectBuckets || address === undefined || this.exempt.has(address)) return true;
    if (this.connectBuckets.take(address)) return true;
    this.metrics.hit('connect_rate');
    return false;
  }

  /**
   * Backpressure before `DH_MAX_PENDING_REQUESTS` (docs/adr/0020-reads-paused-before-the-pending-limit.md):
   * while half the limit of the session's requests are unanswered, the broker stops reading its
   * connection, so a client faster than the server waits in TCP instead of being refused.
   */
  holdReadsWhenBehind(session: ClientSession, client: Client): void {
    const hold = new ReadHold(
      meterReads(client, MAX_READ_BYTES),
      this.readHold,
      loggedHolds(this.readCounts, this.logger, client.id),
    );
    session.watchQueue(hold);
    client.conn.once('close', () => hold.release());
  }

  /**
   * Whether a `dh/request` or native publish gets a place in the client's queue: not more than
   * `maxPending` waiting (`DH_MAX_PENDING_REQUESTS`) and a token of its bucket
   * (`DH_REQUEST_RATE`/`DH_REQUEST_BURST`). False means: answer 429 `Too many requests`.
   */
  admitRequest(session: ClientSession, maxPending: number): boolean {
    if (session.pendingRequests > maxPending) {
      this.metrics.hit('pending_requests');
      return false;
    }
    const { requestRate, requestBurst } = this.settings;
    if (requestRate <= 0) return true;
    let bucket = this.requestBuckets.get(session);
    if (!bucket) {
      bucket = new TokenBucket(requestRate, requestBurst);
      this.requestBuckets.set(session, bucket);
    }
    if (bucket.take()) return true;
    this.metrics.hit('request_rate');
    return false;
  }

  /**
   * SUBSCRIBE of `filter` (`DH_MAX_SUBSCRIPTIONS_PER_CLIENT`): a filter the connection already has
   * is a replacement and always passes; a new one only below the limit, counting MQTT filters and
   * request-made subscriptions together.
   */
  admitFilter(session: ClientSession, filter: string): boolean {
    const filters = this.filtersOf(session);
    if (filters.has(filter)) return true;
    if (this.subscriptionCount(session) >= this.settings.maxSubscriptionsPerClient) {
      this.metrics.hit('subscriptions');
      return false;
    }
    filters.add(filter);
    return true;
  }

  /** UNSUBSCRIBE: the filters no longer count. */
  forgetFilters(session: ClientSession, filters: readonly string[]): void {
    const known = this.filters.get(session);
    for (const filter of filters) known?.delete(filter);
  }

  /**
   * The 429 reply to a `notification/subscribe` / `command/subscribe` that would pass
   * `DH_MAX_SUBSCRIPTIONS_PER_CLIENT`, or null when it may go to the gateway.
   */
  refuseRequestSubscription(session: ClientSession, request: RequestMessage): Reply | null {
    if (!isSubscribeAction(request.action)) return null;
    const max = this.settings.maxSubscriptionsPerClient;
    if (this.subscriptionCount(session) < max) return null;
    this.metrics.hit('subscriptions');
    const error = new DhError('DH_ERR_TOO_MANY_SUBSCRIPTIONS', max);
    return errorReplyFrom(request.action, request.requestId, error);
  }

  /** MQTT filters plus request-made subscriptions (active or awaiting their reply). */
  subscriptionCount(session: ClientSession): number {
    return (
      this.filtersOf(session).size +
      session.requestSubscriptions.size +
      session.pendingSubscriptions.size
    );
  }

  private filtersOf(session: ClientSession): Set<string> {
    let filters = this.filters.get(session);
    if (!filters) {
      filters = new Set();
      this.filters.set(session, filters);
    }
    return filters;
  }
}
