import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type {
  ActionArgs,
  ActionName,
  ActionResult,
  CommandInsertPush,
  CommandUpdatePush,
  DhPush,
  NotificationInsertPush,
  PushOf,
  SubscribeBody,
} from './action-types';
import { DhClosedError, DhRequestError } from './dh-request-error';
import { EventRoutes, type PushHandler, type RequestRoute } from './event-routes';
import {
  eventKindOf,
  REQUEST_TOPIC,
  RESPONSE_FILTER,
  type EventKind,
  type EventTopicFilter,
} from './event-topics';
import { tokenExpiry } from './jwt-expiry';
import { PendingRequests, type ReplyMessage } from './pending-requests';
import { TypedEvents } from './typed-events';
import type { DhClientOptions, DhClientEvents, DhSubscription, DhTokens } from './client-options';

/** An access token this close to its expiry is refreshed before it is used. */
const REFRESH_MARGIN_MS = 1_000;

/**
 * A DeviceHive MQTT session (docs/topics/README.md): typed requests on `dh/request` paired with
 * their replies by `requestId`, pushes of notifications, commands and command updates, and a
 * reconnect that authenticates again (refreshing the token when needed) and restores every
 * subscription. Runs in Node (`mqtt://`, `mqtts://`) and browsers (`ws://`, `wss://`).
 */
export class DhClient extends TypedEvents<DhClientEvents> {
  /** The MQTT client id; replies arrive on `dh/response/{action}@{clientId}`. */
  readonly clientId: string;
  private readonly mqtt: MqttClient;
  private readonly pending: PendingRequests;
  private readonly routes = new EventRoutes();
  private readonly timeoutMs: number;
  private tokens: DhTokens | undefined;
  private ready!: Promise<void>;
  private markReady!: () => void;
  private isReady = false;
  private closed = false;

  private constructor(options: DhClientOptions) {
    super();
    this.clientId = options.clientId ?? `dh-${Math.random().toString(36).slice(2, 12)}`;
    this.pending = new PendingRequests(this.clientId);
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    if (options.accessToken) {
      this.tokens = { accessToken: options.accessToken, refreshToken: options.refreshToken };
    }
    this.resetReady();
    const mqttOptions: IClientOptions = {
      protocolVersion: 4,
      clean: options.clean ?? true,
      reconnectPeriod: options.reconnectPeriodMs ?? 1_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      ...options.mqttOptions,
      // Event topics are subscribed again after the authentication (anonymous would be refused).
      resubscribe: false,
      clientId: this.clientId,
    };
    if (options.username !== undefined) mqttOptions.username = options.username;
    if (options.password !== undefined) mqttOptions.password = options.password;
    this.mqtt = connect(options.url, mqttOptions);
    this.mqtt.on('connect', () => void this.onConnect());
    this.mqtt.on('message', (topic, payload) => this.onMessage(topic, payload.toString()));
    this.mqtt.on('offline', () => this.onOffline());
    this.mqtt.on('close', () => this.onOffline());
    this.mqtt.on('error', (error) => this.emit('error', error));
  }

  /**
   * Connects, authenticates with `accessToken` when one is given, and resolves once requests
   * can be sent; rejects (and gives up) when the first connection fails, e.g. a CONNACK refusal.
   */
  static async connect(options: DhClientOptions): Promise<DhClient> {
    const client = new DhClient(options);
    const firstError = new Promise<never>((_, reject) => {
      const stop = client.on('error', (error) => {
        stop();
        reject(error);
      });
      void client.ready.then(stop, stop);
    });
    try {
      await Promise.race([client.ready, firstError]);
      return client;
    } catch (error) {
      await client.end();
      throw error;
    }
  }

  /** The tokens in use (after a refresh, the new ones); undefined for CONNECT credentials. */
  get currentTokens(): DhTokens | undefined {
    return this.tokens;
  }

  /** True while connected and authenticated. */
  get connected(): boolean {
    return this.mqtt.connected;
  }

  /**
   * Sends action `A` with its fields and resolves with the success reply; rejects with a
   * `DhRequestError` (code, message) for an error reply, `DhTimeoutError` after the timeout.
   */
  request<A extends ActionName>(action: A, ...[body]: ActionArgs<A>): Promise<ActionResult<A>> {
    return this.send(action, body ?? {}, false) as Promise<ActionResult<A>>;
  }

  /** Logs in with a login and password (`token`), then authenticates the session with it. */
  async login(login: string, password: string): Promise<DhTokens> {
    const reply = await this.request('token', { login, password });
    await this.useTokens({ accessToken: reply.accessToken, refreshToken: reply.refreshToken });
    return this.tokens as DhTokens;
  }

  /** Authenticates the session with `tokens` now and again after each reconnect. */
  async useTokens(tokens: DhTokens): Promise<void> {
    this.tokens = { ...tokens };
    await this.authenticate(false);
  }

  /** Gets a new access token with the refresh token (`token/refresh`) and emits `token`. */
  async refreshAccessToken(): Promise<string> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) throw new Error('No refresh token to refresh the access token with');
    const reply = (await this.send('token/refresh', { refreshToken }, true)) as {
      accessToken: string;
    };
    this.tokens = { accessToken: reply.accessToken, refreshToken };
    this.emit('token', this.tokens);
    return reply.accessToken;
  }

  /**
   * `notification/subscribe`: matching notifications are pushed to `handler`, also after a
   * reconnect (the subscription is made again under a new id).
   */
  subscribeNotifications(
    body: SubscribeBody<'notification/subscribe'>,
    handler: PushHandler<NotificationInsertPush>,
  ): Promise<DhSubscription> {
    return this.subscribeByRequest('notification/subscribe', body ?? {}, handler as PushHandler);
  }

  /**
   * `command/subscribe`: matching commands are pushed to `handler` (their updates instead, with
   * `returnUpdatedCommands: true`), also after a reconnect.
   */
  subscribeCommands(
    body: SubscribeBody<'command/subscribe'>,
    handler: PushHandler<CommandInsertPush | CommandUpdatePush>,
  ): Promise<DhSubscription> {
    return this.subscribeByRequest('command/subscribe', body ?? {}, handler as PushHandler);
  }

  /**
   * Subscribes to an event topic (`dh/{kind}/{networkId}/{deviceTypeId}/{deviceId}/{name}`, a
   * level left out is `+`); `command_update` pushes come only for commands this client id sent
   * (docs/topics/command-update.md). Rejects when the server refuses the filter (SUBACK 0x80).
   */
  async listen<K extends EventKind>(
    kind: K,
    filter: EventTopicFilter,
    handler: PushHandler<PushOf<K>>,
  ): Promise<() => Promise<void>> {
    const route = this.routes.addTopic(kind, filter, handler as PushHandler);
    const refused = new DhRequestError(null, 403, `Subscription refused: ${route.filter}`, null);
    try {
      // MQTT.js rejects a SUBACK 0x80 (ErrorWithSubackPacket), or may report it as granted 128.
      const granted = await this.mqtt.subscribeAsync(route.filter, { qos: 1 });
      if (granted.some((g) => g.qos === 128)) throw refused;
    } catch (error) {
      this.routes.removeTopic(route);
      throw (error as Error).name === 'ErrorWithSubackPacket' ? refused : error;
    }
    return async () => {
      if (this.routes.removeTopic(route)) await this.mqtt.unsubscribeAsync(route.filter);
    };
  }

  /** Closes the connection; requests still waiting reject with `DhClosedError`. */
  async end(): Promise<void> {
    this.closed = true;
    this.pending.closeAll();
    await this.mqtt.endAsync();
  }

  private async subscribeByRequest(
    action: RequestRoute['action'],
    body: object,
    handler: PushHandler,
  ): Promise<DhSubscription> {
    const reply = (await this.send(action, body, false)) as { subscriptionId: number };
    const route = this.routes.addRequest({ action, body, handler, serverId: reply.subscriptionId });
    const unsubscribe = action.replace('subscribe', 'unsubscribe') as
      'notification/unsubscribe' | 'command/unsubscribe';
    return {
      get id() {
        return route.serverId;
      },
      unsubscribe: async () => {
        this.routes.removeRequest(route);
        await this.send(unsubscribe, { subscriptionId: route.serverId }, false);
      },
    };
  }

  private send(action: string, body: object, internal: boolean): Promise<ReplyMessage> {
    if (this.closed) return Promise.reject(new DhClosedError(action));
    const requestId = this.pending.nextId();
    const reply = this.pending.wait(requestId, action, this.timeoutMs);
    const payload = JSON.stringify({ ...body, action, requestId });
    const publish = () =>
      this.mqtt.publish(REQUEST_TOPIC, payload, { qos: 1 }, (error) => {
        if (error) this.pending.fail(requestId, error);
      });
    if (internal) publish();
    else void this.ready.then(publish);
    return reply;
  }

  private async authenticate(internal: boolean): Promise<void> {
    const tokens = this.tokens as DhTokens;
    const expiry = tokenExpiry(tokens.accessToken);
    if (tokens.refreshToken && expiry !== undefined && expiry - Date.now() < REFRESH_MARGIN_MS) {
      await this.refreshAccessToken();
    }
    try {
      await this.send('authenticate', { token: this.tokens?.accessToken }, internal);
    } catch (error) {
      if (!(error instanceof DhRequestError && error.code === 401 && tokens.refreshToken)) {
        throw error;
      }
      await this.refreshAccessToken();
      await this.send('authenticate', { token: this.tokens?.accessToken }, internal);
    }
  }

  private async onConnect(): Promise<void> {
    try {
      await this.mqtt.subscribeAsync(RESPONSE_FILTER, { qos: 1 });
      if (this.tokens) await this.authenticate(true);
      const filters = this.routes.topicFilters();
      if (filters.length) await this.mqtt.subscribeAsync(filters, { qos: 1 });
      for (const route of this.routes.requestRoutes()) {
        const reply = (await this.send(route.action, route.body, true)) as {
          subscriptionId: number;
        };
        route.serverId = reply.subscriptionId;
      }
      this.markReady();
      this.emit('ready');
    } catch (error) {
      this.emit('error', error as Error);
    }
  }

  private onOffline(): void {
    // Requests sent from now on wait for the reconnect (and its authentication).
    if (!this.isReady || this.closed) return;
    this.isReady = false;
    this.resetReady();
    this.emit('offline');
  }

  private resetReady(): void {
    this.ready = new Promise<void>((resolve) => {
      this.markReady = () => {
        this.isReady = true;
        resolve();
      };
    });
  }

  private onMessage(topic: string, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (topic.startsWith('dh/response/')) {
      if (!this.pending.settle(message as ReplyMessage)) {
        this.emit('reply', message as ReplyMessage, topic);
      }
      return;
    }
    const kind = eventKindOf(topic);
    if (!kind) return;
    const push = message as DhPush;
    this.emit('push', push, topic);
    if (kind === 'notification') this.emit('notification', push as NotificationInsertPush, topic);
    else if (kind === 'command') this.emit('command', push as CommandInsertPush, topic);
    else this.emit('commandUpdate', push as CommandUpdatePush, topic);
    this.routes.dispatch(push, topic);
  }
}
