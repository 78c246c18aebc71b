import type { BrokerBus } from '@dh-mqtt/bus';
import type { BrokerConfig, Logger } from '@dh-mqtt/runtime';
import type { Aedes } from 'aedes';
import type { BrokerLimits, LimitSettings } from './limits/broker-limits';
import type { BrokerMetrics } from './metrics/broker-metrics';
import type { CommandOrigins } from './pushes/command-origins';
import type { PushInterest } from './pushes/push-interest';
import type { SessionRegistry } from './session/session-registry';

/** The broker settings the hooks read (a subset of the app's BrokerConfig). */
export type BrokerSettings = Pick<
  BrokerConfig,
  | 'maxRequestSize'
  | 'maxClientIdLength'
  | 'maxPendingRequests'
  | 'requestTimeoutMs'
  | 'connectTimeoutMs'
> &
  /** `$SYS/#` for admins only unless false (docs/reliability.md); default true. */
  Partial<Pick<BrokerConfig, 'sysTopicsAdminOnly'>> &
  /** Period of the `$SYS/{brokerId}/broker/...` counters in seconds, 0 = none; default 10. */
  Partial<Pick<BrokerConfig, 'sysIntervalSeconds'>> &
  /** CONNECT without credentials gets an anonymous session unless false (CONNACK 5); default true. */
  Partial<Pick<BrokerConfig, 'allowAnonymous'>> &
  /** The limits of docs/reliability.md; each left out takes its documented default. */
  Partial<LimitSettings>;

/** What every hook and delivery function shares: one per broker instance. */
export interface BrokerContext {
  readonly brokerId: string;
  readonly bus: BrokerBus;
  readonly logger: Logger;
  readonly settings: BrokerSettings;
  readonly sessions: SessionRegistry;
  /** Limit state and counters (`limits/*`, docs/reliability.md). */
  readonly limits: BrokerLimits;
  /** Counters of connections, messages, requests and pushes (`/metrics`, `$SYS`). */
  readonly metrics: BrokerMetrics;
  /** Publish packets the hooks consumed: acknowledged to the client, never routed. */
  readonly consumed: WeakSet<object>;
  /** Set once the aedes instance exists (hooks run only after that). */
  aedes: Aedes;
  /**
   * Whether this pod listens to every fabric event for its pod-local pushes; set by
   * `startPushes` (held by push targets, subscribe requests and private filters).
   */
  pushInterest: PushInterest;
  /**
   * Who inserted which command through this pod, for command updates without an origin (a remote
   * DeviceHive's, docs/adr/0015).
   */
  readonly commandOrigins: CommandOrigins;
}
