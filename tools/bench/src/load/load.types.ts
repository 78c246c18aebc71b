import type { HistogramData } from '../report/histogram';
import type { Credentials } from '../systems/system';

/** When a worker loads the system: warm-up, measured window, then a drain to count loss. */
export interface RunTiming {
  warmupMs: number;
  durationMs: number;
  /** After sending stops: how long to wait for outstanding deliveries before counting loss. */
  drainMs: number;
}

/** Publish → deliver on ordinary topics, publisher and subscriber in the same worker. */
export interface PubSubJob {
  kind: 'pubsub';
  url: string;
  credentials?: Credentials;
  /** Publisher/subscriber client pairs in this worker, one topic per pair. */
  pairs: number;
  qos: 0 | 1;
  /** QoS 1: unacknowledged publishes kept in flight per publisher. */
  window: number;
  /** QoS 0: messages per second of this worker, paced (QoS 0 has no back-pressure). */
  ratePerSec: number;
  payloadBytes: number;
  topicPrefix: string;
}

/**
 * The DeviceHive request a requester sends, `echo` for the raw MQTT floor, or `native
 * notification`: a publish on `dh/notification/{net}/{type}/{device}/{name}`
 * (docs/topics/notification.md), answered on `dh/response/notification/insert@{clientId}` with
 * `requestId: null` (replies are matched to publishes in order).
 */
export type RequestKind =
  'server/info' | 'device/get' | 'notification/insert' | 'native notification' | 'echo';

/** Request → reply round trips (DeviceHive `dh/request`, or the echo floor). */
export interface RequestJob {
  kind: 'requests';
  url: string;
  credentials?: Credentials;
  clients: number;
  request: RequestKind;
  deviceId: string;
  /** Closed loop: requests kept outstanding per client (1 = strict request/reply). */
  window: number;
  /** Open loop when > 0: requests per second of this worker, paced, whatever the replies. */
  ratePerSec: number;
  /** Telemetry: a subscriber in the same worker takes the pushes of the inserted notifications. */
  subscribePushes: boolean;
  clientIdPrefix: string;
}

/** The other side of the echo floor: republishes each request to the requester's reply topic. */
export interface EchoResponderJob {
  kind: 'echo-responder';
  url: string;
}

/** Idle connections held open; the orchestrator asks for more in steps. */
export interface ConnectionsJob {
  kind: 'connections';
  url: string;
  credentials?: Credentials;
  clientIdPrefix: string;
  /** Connects in flight at once. */
  concurrency: number;
}

export type JobSpec = PubSubJob | RequestJob | EchoResponderJob | ConnectionsJob;

/** What a worker measured; counts of the measured window unless under `totals`. */
export interface LoadResult {
  windowMs: number;
  sent: number;
  /** QoS 1 publishes acknowledged; successful replies for requests. */
  acked: number;
  /** Messages delivered to subscribers; replies received for requests. */
  received: number;
  /** Error replies or client errors. */
  errors: number;
  errorSample?: string;
  latency: HistogramData;
  /** Whole run (warm-up, window, drain): loss = acked − received after the drain. */
  totals: { sent: number; acked: number; received: number };
  /** Telemetry pushes (publish → push), when the job subscribed to them. */
  pushes?: { received: number; totalReceived: number; latency: HistogramData };
}

/** Result of one `connect` step of a connections job. */
export interface ConnectStepResult {
  connected: number;
  failed: number;
  elapsedMs: number;
  firstError?: string;
}

/** Orchestrator → worker. */
export type WorkerCommand =
  | { seq: number; op: 'setup'; job: JobSpec; workerIndex: number }
  | { seq: number; op: 'run'; timing: RunTiming }
  | { seq: number; op: 'connect'; count: number }
  | { seq: number; op: 'close' };

/** Worker → orchestrator. */
export type WorkerReply =
  { seq: number; ok: true; data?: unknown } | { seq: number; ok: false; error: string };
