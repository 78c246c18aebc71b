import type { DeviceEvent, DeviceEventKind } from '@dh-mqtt/protocol';
import WebSocket from 'ws';
import { TtlCache } from '@dh-mqtt/runtime';
import { Backoff, RecentKeys } from './bounded';
import { OrderedDelivery } from './ordered-delivery';
import {
  PUSH_FIELDS,
  eventKey,
  formatRemoteTimestamp,
  isEventKind,
  parseRemoteTimestamp,
  readRemoteObject,
  toDeviceEvent,
  type RemoteObject,
} from './push-mapping';
import type {
  RemoteEventStream,
  RemoteEventStreamOptions,
  RemoteEventStreamTuning,
} from './remote-event-stream.port';
import { RemoteCallError, ServiceSession } from './service-session';
import { StreamMetrics, type EventSource } from './stream-metrics';

const DEFAULTS: Required<RemoteEventStreamTuning> = {
  heartbeatMs: 15_000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  catchUpMarginMs: 2_000,
  recentKeys: 20_000,
  maxInFlight: 1_000,
  deviceCacheSize: 10_000,
  deviceCacheTtlMs: 60_000,
  requestTimeoutMs: 10_000,
};

/** The three subscriptions: every device (an administrator's subscription without filters). */
const SUBSCRIPTIONS: ReadonlyArray<{ kind: DeviceEventKind; request: Record<string, unknown> }> = [
  { kind: 'notification/insert', request: { action: 'notification/subscribe' } },
  { kind: 'command/insert', request: { action: 'command/subscribe' } },
  {
    kind: 'command/update',
    request: { action: 'command/subscribe', returnUpdatedCommands: true },
  },
];

/**
 * Most events one catch-up subscription replays: the reference replays at most 100 notifications
 * per filter (fixed) and `limit` commands (this product caps `limit` at 1 000).
 */
const REPLAY_LIMITS: Readonly<Record<DeviceEventKind, number>> = {
  'notification/insert': 100,
  'command/insert': 1000,
  'command/update': 1000,
};
/** Network ids per catch-up subscription. */
const NETWORKS_PER_CATCH_UP = 100;
/** Replays per kind and network chunk in one catch-up (pages of a full replay). */
const MAX_CATCH_UP_ROUNDS = 20;
/** Live pushes held during a catch-up beyond which the connection is given up (and retried). */
const MAX_HELD_FACTOR = 10;

interface Pending {
  /** Runs as the reply is read, before the pushes that follow it in the same read. */
  onSuccess?(reply: Record<string, unknown>): void;
  resolve(reply: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Device events of an existing DeviceHive server (docs/adr/0015): an administrator's WebSocket
 * session subscribed to every notification, command and command update; each push becomes a
 * `DeviceEvent` in the embedded backend's shape. A dropped connection (close, error, heartbeat
 * timeout) is reopened with backoff and followed by a catch-up (replaying subscriptions) from the last
 * event seen; what was already delivered is dropped by its key.
 */
export function createRemoteEventStream(options: RemoteEventStreamOptions): RemoteEventStream {
  return new WsRemoteEventStream(options);
}

class WsRemoteEventStream implements RemoteEventStream {
  private readonly tuning: Required<RemoteEventStreamTuning>;
  private readonly session: ServiceSession;
  private readonly metrics: StreamMetrics;
  private readonly recent: RecentKeys;
  private readonly devices: TtlCache<string, { networkId: number; deviceTypeId: number }>;
  private readonly backoff: Backoff;
  private readonly delivery: OrderedDelivery;

  private socket: WebSocket | null = null;
  private connected = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private started: { promise: Promise<void>; resolve(): void; reject(err: Error): void };
  private readonly requests = new Map<string, Pending>();
  private requestCounter = 0;
  /** Live pushes held while a catch-up runs (delivered after it, in order). */
  private held: RemoteObject[] | null = null;
  /**
   * The oldest push held by an attempt that failed before any catch-up point existed (the first
   * connection): the next attempt catches up from there instead of dropping it.
   */
  private heldSince: number | null = null;
  /** Pushes of the catch-up subscriptions in progress, by subscriptionId. */
  private replays = new Map<string, RemoteObject[]>();
  private pausedByPressure = false;
  /** Newest event timestamp seen (remote clock). */
  private lastSeen: number | null = null;
  /** Remote clock minus local clock, measured at each connection. */
  private clockOffset = 0;
  /** Local time the current connection was last known alive (subscribed, pong). */
  private aliveAt: number | null = null;
  private wake: (() => void) | null = null;
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: RemoteEventStreamOptions) {
    this.tuning = { ...DEFAULTS, ...options.tuning };
    this.session = new ServiceSession(
      options.endpoints,
      options.credentials,
      this.tuning.requestTimeoutMs,
    );
    this.metrics = StreamMetrics.of(options.registry);
    this.metrics.setConnected(false);
    this.recent = new RecentKeys(this.tuning.recentKeys);
    this.devices = new TtlCache(this.tuning.deviceCacheSize, this.tuning.deviceCacheTtlMs);
    this.backoff = new Backoff(this.tuning.reconnectMinMs, this.tuning.reconnectMaxMs);
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((ok, fail) => ((resolve = ok), (reject = fail)));
    promise.catch(() => undefined);
    this.started = { promise, resolve, reject };
    this.delivery = new OrderedDelivery({
      deliver: (event) => options.onEvent(event),
      maxInFlight: this.tuning.maxInFlight,
      retryDelay: (attempt) => Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)),
      onFailure: (error, event, attempt) => {
        this.metrics.deliveryFailed();
        options.logger.error(
          {
            err: describe(error),
            deviceId: event?.deviceId,
            kind: event?.kind,
            id: event?.data['id'],
            attempt,
          },
          'remote event not handed on, retrying',
        );
      },
      onPressure: (paused) => {
        this.pausedByPressure = paused;
        this.applyPause();
      },
    });
  }

  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the remote event stream is closed'));
    this.running ??= this.run();
    return this.started.promise;
  }

  isConnected(): boolean {
    return this.connected;
  }

  lastEventAt(): number | null {
    return this.lastSeen;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.started.reject(new Error('the remote event stream was closed before it connected'));
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wake?.();
    this.delivery.stop();
    this.socket?.terminate();
    await this.running;
  }

  /** Connect, stay connected, reconnect: until closed. */
  private async run(): Promise<void> {
    let first = true;
    while (!this.closed) {
      if (!first) this.metrics.reconnect();
      first = false;
      let socket: WebSocket;
      try {
        socket = await this.open();
      } catch (err) {
        this.socket?.terminate();
        this.socket = null;
        for (const object of this.held ?? []) {
          if (this.heldSince === null || object.at < this.heldSince) this.heldSince = object.at;
        }
        this.held = null;
        if (this.closed) break;
        const delayMs = this.backoff.next();
        this.options.logger.warn(
          { err: describe(err), retryInMs: delayMs },
          'remote event stream: connection failed',
        );
        await this.sleep(delayMs);
        continue;
      }
      this.backoff.reset();
      this.connected = true;
      this.metrics.setConnected(true);
      this.started.resolve();
      const ended = await this.whenClosed(socket);
      this.connected = false;
      this.metrics.setConnected(false);
      this.socket = null;
      if (this.closed) break;
      const delayMs = this.backoff.next();
      this.options.logger.warn(
        { code: ended.code, reason: ended.reason, retryInMs: delayMs },
        'remote event stream: disconnected',
      );
      await this.sleep(delayMs);
    }
  }

  /**
   * One connection: open, authenticate, subscribe (pushes held), read the server's clock, catch
   * up when there is a point to catch up from, then release the held pushes.
   */
  private async open(): Promise<WebSocket> {
    const token = await this.session.token();
    const socket = new WebSocket(this.options.endpoints.wsUrl, {
      handshakeTimeout: this.tuning.requestTimeoutMs,
    });
    this.socket = socket;
    this.replays = new Map();
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('close', (code) => reject(new Error(`closed during the handshake (${code})`)));
    });
    socket.on('error', () => undefined); // 'close' follows and is handled by whenClosed
    socket.on('message', (data) => this.onMessage(data));
    socket.on('close', () => this.failRequests(new Error('connection closed')));
    await this.request({ action: 'authenticate', token });
    this.held = [];
    for (const { request } of SUBSCRIPTIONS) await this.request(request);
    const from = this.catchUpFrom();
    await this.readClock();
    this.scheduleReauthentication(socket);
    // Until the catch-up is complete, a failed attempt must start from the same point again: the
    // marks it is computed from (last event seen, last known alive) move only after it.
    if (from !== null) await this.catchUp(from - this.tuning.catchUpMarginMs);
    this.heldSince = null;
    this.aliveAt = Date.now();
    this.startHeartbeat(socket);
    const held = this.held;
    this.held = null;
    for (const object of held) this.accept(object, 'live');
    this.options.logger.info(
      {
        wsUrl: this.options.endpoints.wsUrl,
        caughtUpFrom: from === null ? null : formatRemoteTimestamp(from),
      },
      'remote event stream: connected',
    );
    return socket;
  }

  /**
   * Where a catch-up starts (remote clock): the later of the last event seen and the moment the
   * previous connection was last known alive; on the first connection, `since` if given.
   */
  private catchUpFrom(): number | null {
    const alive = this.aliveAt === null ? null : this.aliveAt + this.clockOffset;
    const marks = [this.lastSeen, alive, this.options.since ?? null].filter(
      (mark): mark is number => mark !== null,
    );
    return marks.length === 0 ? this.heldSince : Math.max(...marks);
  }

  /** `GET /info`: the server's clock, to place "last known alive" on it. */
  private async readClock(): Promise<void> {
    const before = Date.now();
    const info = (await this.session.get('/info')) as { serverTimestamp?: unknown } | undefined;
    const remote = parseRemoteTimestamp(info?.serverTimestamp);
    if (remote !== null) this.clockOffset = remote - Math.round((before + Date.now()) / 2);
  }

  /**
   * Reads what the server stored after `since` for every network: per kind and chunk of networks,
   * a subscription with `networkIds`, `timestamp` (and `limit`) whose replay follows its reply,
   * then its unsubscribe, whose reply comes after the replay. What was not delivered yet is handed
   * on, oldest first. A full replay is paged from its newest timestamp (this product replays
   * oldest first; the reference newest first, so there a full replay is a gap).
   */
  private async catchUp(since: number): Promise<void> {
    const networks = await this.networkIds();
    let caughtUp = 0;
    let newest: number | null = null;
    let gap = false;
    for (let i = 0; i < networks.length; i += NETWORKS_PER_CATCH_UP) {
      const networkIds = networks.slice(i, i + NETWORKS_PER_CATCH_UP);
      for (const { kind, request } of SUBSCRIPTIONS) {
        const limit = REPLAY_LIMITS[kind];
        let from = since;
        for (let rounds = 1; ; rounds += 1) {
          if (rounds > MAX_CATCH_UP_ROUNDS) {
            gap = true;
            break;
          }
          const objects = (await this.replay(kind, request, networkIds, from, limit)).sort(
            (a, b) => a.at - b.at || a.id - b.id,
          );
          const fresh = objects.filter((object) => !this.recent.has(eventKey(object)));
          for (const object of fresh) this.accept(object, 'catch_up');
          caughtUp += fresh.length;
          const last = objects.at(-1)?.at ?? null;
          if (last !== null && (newest === null || last > newest)) newest = last;
          if (objects.length < limit) break;
          if (last === null || last - 1 <= from) {
            gap = true;
            break;
          }
          from = last - 1;
        }
      }
    }
    if (newest !== null) this.seen(newest);
    if (gap) {
      this.metrics.gap();
      this.options.logger.warn(
        { since: formatRemoteTimestamp(since) },
        'remote event stream: gap, the catch-up reached the server replay limit; events may be missing',
      );
    }
    this.options.logger.info(
      { since: formatRemoteTimestamp(since), events: caughtUp, networks: networks.length },
      'remote event stream: caught up',
    );
  }

  /** One catch-up subscription: its replayed objects (live pushes to it included). */
  private async replay(
    kind: DeviceEventKind,
    request: Record<string, unknown>,
    networkIds: number[],
    from: number,
    limit: number,
  ): Promise<RemoteObject[]> {
    const subscribe: Record<string, unknown> = {
      ...request,
      networkIds,
      timestamp: formatRemoteTimestamp(from),
    };
    if (kind !== 'notification/insert') subscribe['limit'] = limit;
    const collected: RemoteObject[] = [];
    // The replay follows the reply, possibly in the same read: collect from the reply on.
    const reply = await this.request(subscribe, (answer) =>
      this.replays.set(String(answer['subscriptionId']), collected),
    );
    const subscriptionId = String(reply['subscriptionId']);
    try {
      await this.request({
        action: kind === 'notification/insert' ? 'notification/unsubscribe' : 'command/unsubscribe',
        subscriptionId: reply['subscriptionId'],
      });
    } finally {
      this.replays.delete(subscriptionId);
    }
    return collected.filter((object) => object.kind === kind);
  }

  /** Every network id the service identity sees (`GET /network`, paged). */
  private async networkIds(): Promise<number[]> {
    const ids: number[] = [];
    const take = 1000;
    for (let skip = 0; ; skip += take) {
      const page = await this.session.get(`/network?take=${take}&skip=${skip}`);
      const list = Array.isArray(page) ? page : [];
      for (const network of list) {
        const id = (network as { id?: unknown })?.id;
        if (typeof id === 'number' && Number.isSafeInteger(id)) ids.push(id);
      }
      if (list.length < take) return ids;
    }
  }

  private onMessage(data: WebSocket.RawData): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(String(data));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
      message = parsed as Record<string, unknown>;
    } catch {
      this.metrics.drop('malformed');
      return;
    }
    const requestId = message['requestId'];
    if (typeof requestId === 'string' && 'status' in message) {
      const pending = this.requests.get(requestId);
      if (!pending) return;
      this.requests.delete(requestId);
      clearTimeout(pending.timer);
      if (message['status'] === 'success') {
        pending.onSuccess?.(message);
        pending.resolve(message);
      } else {
        const text = `${String(message['action'])} answered ${String(message['code'])} ${String(message['error'])}`;
        pending.reject(new RemoteCallError(text, Number(message['code']) || null));
      }
      return;
    }
    // A push carries the subscriptionId of one of this connection's subscriptions, all ours; the
    // reference may send a subscription's first pushes before its reply, so any id counts (copies
    // are dropped by key). A push without one (this product's `command/update` to a command's
    // originator; this session inserts none) is not an event to hand on.
    const action = message['action'];
    if (!isEventKind(action) || message['subscriptionId'] == null) return;
    const replay = this.replays.get(String(message['subscriptionId']));
    const object = readRemoteObject(action, message[PUSH_FIELDS[action]]);
    if (!object) {
      this.metrics.drop('malformed');
      return;
    }
    if (replay) {
      replay.push(object);
      return;
    }
    if (this.held) {
      this.held.push(object);
      if (this.held.length > this.tuning.maxInFlight * MAX_HELD_FACTOR) {
        this.options.logger.warn(
          { held: this.held.length },
          'remote event stream: too many pushes during the catch-up, reconnecting',
        );
        this.socket?.terminate();
      }
      return;
    }
    this.accept(object, 'live');
  }

  /** A new event (not a duplicate) is queued for delivery in its device's order. */
  private accept(object: RemoteObject, source: EventSource): void {
    if (!this.recent.add(eventKey(object))) {
      this.metrics.drop('duplicate');
      return;
    }
    if (source === 'live') this.seen(object.at);
    this.metrics.event(object.kind, source);
    this.delivery.push(object.deviceId, () => this.toEvent(object));
  }

  private seen(at: number): void {
    if (this.lastSeen === null || at > this.lastSeen) this.lastSeen = at;
  }

  /** The device event; the device's network and type looked up when the push lacks them. */
  private async toEvent(object: RemoteObject): Promise<DeviceEvent | null> {
    if (object.networkId !== null && object.deviceTypeId !== null) {
      return toDeviceEvent(object, object.networkId, object.deviceTypeId);
    }
    let device = this.devices.get(object.deviceId);
    if (!device) {
      let found: unknown;
      try {
        found = await this.session.get(`/device/${encodeURIComponent(object.deviceId)}`);
      } catch (err) {
        if (err instanceof RemoteCallError && err.status === 404) found = undefined;
        else throw err;
      }
      const networkId = (found as { networkId?: unknown } | undefined)?.networkId;
      const deviceTypeId = (found as { deviceTypeId?: unknown } | undefined)?.deviceTypeId;
      if (typeof networkId !== 'number' || typeof deviceTypeId !== 'number') {
        this.metrics.drop('unknown_device');
        this.options.logger.warn(
          { deviceId: object.deviceId, kind: object.kind, id: object.id },
          'remote event of a device without network or type, dropped',
        );
        return null;
      }
      device = { networkId, deviceTypeId };
      this.devices.set(object.deviceId, device);
    }
    return toDeviceEvent(
      object,
      object.networkId ?? device.networkId,
      object.deviceTypeId ?? device.deviceTypeId,
    );
  }

  private request(
    message: Record<string, unknown>,
    onSuccess?: (reply: Record<string, unknown>) => void,
  ): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected'));
    }
    const requestId = `dh-mqtt-events-${++this.requestCounter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        reject(
          new Error(
            `${String(message['action'])}: no answer in ${this.tuning.requestTimeoutMs} ms`,
          ),
        );
      }, this.tuning.requestTimeoutMs);
      this.requests.set(requestId, { resolve, reject, timer, onSuccess });
      socket.send(JSON.stringify({ ...message, requestId }));
    });
  }

  private failRequests(error: Error): void {
    for (const [id, pending] of this.requests) {
      clearTimeout(pending.timer);
      this.requests.delete(id);
      pending.reject(error);
    }
  }

  /** Pings every `heartbeatMs`; no pong since the previous ping (socket not paused) ends it. */
  private startHeartbeat(socket: WebSocket): void {
    let waiting = false;
    socket.on('pong', () => {
      waiting = false;
      this.aliveAt = Date.now();
    });
    const timer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.isPaused) return;
      if (waiting) {
        this.options.logger.warn({}, 'remote event stream: no pong, dropping the connection');
        socket.terminate();
        return;
      }
      waiting = true;
      socket.ping();
    }, this.tuning.heartbeatMs);
    socket.once('close', () => clearInterval(timer));
  }

  /** Sends `authenticate` again with a fresh access token before the current one expires. */
  private scheduleReauthentication(socket: WebSocket): void {
    const delay = Math.max(1_000, this.session.renewAt() - Date.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (socket !== this.socket || this.closed) return;
        this.session
          .renew()
          .then((token) => this.request({ action: 'authenticate', token }))
          .then(() => this.scheduleReauthentication(socket))
          .catch((err: unknown) => {
            this.options.logger.warn(
              { err: describe(err) },
              'remote event stream: re-authentication failed, reconnecting',
            );
            socket.terminate();
          });
      },
      Math.min(delay, 2 ** 31 - 1),
    );
    this.timers.add(timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private applyPause(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const pause = this.pausedByPressure;
    if (pause && !socket.isPaused) socket.pause();
    else if (!pause && socket.isPaused) socket.resume();
  }

  private whenClosed(socket: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) resolve({ code: 1006, reason: '' });
      else socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }));
    });
  }

  /** Waits `ms`; `close()` ends the wait early. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.timers.add(timer);
      this.wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

/** An error's message for a log line (never a token: no request carries one in its text). */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
