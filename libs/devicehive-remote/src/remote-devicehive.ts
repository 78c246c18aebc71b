import {
  subscriptionIds,
  type ActionOutcome,
  type CallContext,
  type DeviceHivePort,
  type SubscriptionIdGenerator,
} from '@dh-mqtt/devicehive';
import {
  checkAccess,
  DhError,
  findAction,
  isDhError,
  type ActionName,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import type { Registry } from 'prom-client';
import {
  queryValue,
  REMOTE_ROUTES,
  replyBody,
  wireJson,
  type RemoteRoute,
} from './actions/remote-routes';
import type { RemoteEndpoints, RemoteLogger } from './events/remote-event-stream.port';
import { isSuccess, remoteError } from './http/remote-errors';
import { RemoteHttpClient, type RemoteResponse } from './http/remote-http-client';
import { authenticateRemote } from './identity/remote-identity';
import { RefreshTokens } from './identity/refresh-tokens';
import { readClaims } from './identity/token-claims';
import { createRemoteMetrics } from './metrics/remote-metrics';
import { RemoteApi } from './remote-api';
import { subscribeRemote } from './subscriptions/remote-subscribe';

/** Default bound of one remote call: below the broker's 10 s request timeout (docs/adr/0014). */
export const DEFAULT_REMOTE_TIMEOUT_MS = 8_000;

/** A token is renewed this long before its `e` claim, when the session has a refresh token. */
const RENEW_MARGIN_MS = 5_000;

export interface RemoteDeviceHiveOptions {
  endpoints: RemoteEndpoints;
  /** `DH_DEVICEHIVE_TIMEOUT_MS`: bound of each call (default 8000). */
  timeoutMs?: number;
  /** `DH_JWT_SECRET` when it is the server's: tokens are checked here before the server. */
  jwtSecret?: string;
  logger: RemoteLogger;
  /** Where `dh_remote_*` metrics go (docs/operations.md). */
  registry?: Registry;
  /** Clock (tests). */
  now?: () => Date;
  /** Subscription ids (tests). */
  subscriptionIds?: SubscriptionIdGenerator;
}

/**
 * The DeviceHive port on an existing DeviceHive server (docs/adr/0014): every action is a call
 * of the server's REST API made with the session's own token, its answer mapped into this API's
 * reply and its error status and text passed on. No local storage; no device events (the
 * remote event stream is their one source). Each call is bounded by `timeoutMs`: past it the
 * action answers 503 `Service unavailable: no reply within <ms> ms`, and an unreachable server
 * 503 `Service unavailable`. `ping()` asks the server's `GET /info` (readiness).
 */
export function createRemoteDeviceHive(options: RemoteDeviceHiveOptions): DeviceHivePort {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS;
  const http = new RemoteHttpClient({ timeoutMs });
  const api = new RemoteApi(
    http,
    options.endpoints,
    createRemoteMetrics(options.registry),
    options.logger,
  );
  const now = options.now ?? (() => new Date());
  const ids = options.subscriptionIds ?? subscriptionIds;
  const refreshTokens = new RefreshTokens(() => now().getTime());

  /** Renews the session's access token with its refresh token; null when it cannot. */
  async function renew(action: ActionName, principal: Principal): Promise<Principal | null> {
    if (principal.refreshToken === undefined) return null;
    const response = await api.call(action, {
      method: 'POST',
      url: api.url('auth', '/token/refresh'),
      body: { refreshToken: principal.refreshToken },
    });
    const accessToken = (response.body as JsonObject | undefined)?.['accessToken'];
    if (!isSuccess(response) || typeof accessToken !== 'string') return null;
    return { ...principal, accessToken };
  }

  /**
   * A call with the session's token. An expired token (its `e`, or the server's 401) is renewed
   * once when the session has a refresh token; the renewed principal comes back so that the
   * broker keeps it for the session's next requests.
   */
  async function withToken(
    action: ActionName,
    principal: Principal | null,
    send: (token: string) => Promise<RemoteResponse>,
  ): Promise<{ response: RemoteResponse; renewed?: Principal }> {
    const token = principal?.accessToken;
    if (principal == null || token === undefined) throw new DhError('DH_ERR_UNAUTHORIZED');
    let current = principal;
    let renewed: Principal | undefined;
    const expiry = readClaims(token)?.e;
    if (expiry !== undefined && expiry - RENEW_MARGIN_MS < now().getTime()) {
      const fresh = await renew(action, current);
      if (fresh) current = renewed = fresh;
    }
    let response = await send(current.accessToken as string);
    if (response.status === 401 && renewed === undefined) {
      const fresh = await renew(action, current);
      if (fresh) {
        current = renewed = fresh;
        response = await send(current.accessToken as string);
      }
    }
    return renewed ? { response, renewed } : { response };
  }

  async function runRoute(
    action: ActionName,
    route: RemoteRoute,
    request: JsonObject,
    context: CallContext,
  ): Promise<ActionOutcome> {
    const query: Record<string, string | number | boolean | undefined> = {};
    for (const name of route.query ?? []) query[name] = queryValue(request[name]);
    const call = {
      method: route.method,
      url: api.url(route.base, route.path(request), query),
      body: route.body ? wireJson(route.body(request)) : undefined,
    };
    if (route.anonymous) {
      const answer = await api.expect(action, call);
      if (action === 'token') refreshTokens.remember(answer);
      return { body: replyBody(route, answer) };
    }
    const { response, renewed } = await withToken(action, context.principal, (bearer) =>
      api.call(action, { ...call, bearer }),
    );
    if (!isSuccess(response)) throw remoteError(response);
    const outcome: ActionOutcome = { body: replyBody(route, response.body) };
    if (renewed) outcome.principal = renewed;
    return outcome;
  }

  async function execute(
    action: ActionName,
    request: JsonObject,
    context: CallContext,
  ): Promise<ActionOutcome> {
    const spec = findAction(action);
    if (!spec || spec.handling === 'broker') {
      throw new DhError('DH_ERR_ILLEGAL_ACTION', String(action));
    }
    try {
      // docs/api/README.md steps 1–3 again, so that no caller of the port can skip them.
      checkAccess(spec, context.principal);
      if (action === 'authenticate') {
        const token = request['token'];
        const principal = await authenticateRemote(
          api,
          { jwtSecret: options.jwtSecret, now },
          token,
          typeof token === 'string' ? refreshTokens.take(token) : undefined,
        );
        return { body: {}, principal };
      }
      if (action === 'notification/subscribe' || action === 'command/subscribe') {
        const principal = context.principal as Principal;
        let latest = principal;
        return await subscribeRemote(
          {
            api,
            principal,
            ids,
            call: async (name, method, url) => {
              const { response, renewed } = await withToken(name, latest, (bearer) =>
                api.call(name, { method, url, bearer }),
              );
              if (renewed) latest = renewed;
              return response;
            },
          },
          action === 'notification/subscribe' ? 'notification' : 'command',
          request,
        );
      }
      const route = REMOTE_ROUTES.get(action);
      if (!route) throw new DhError('DH_ERR_ILLEGAL_ACTION', action);
      return await runRoute(action, route, request, context);
    } catch (error) {
      if (isDhError(error)) throw error;
      options.logger.error(
        { action, error: error instanceof Error ? error.message : String(error) },
        'remote action failed',
      );
      throw new DhError('DH_ERR_INTERNAL');
    }
  }

  return {
    execute,
    async ping() {
      try {
        const response = await api.call('server/info', {
          method: 'GET',
          url: api.url('rest', '/info'),
        });
        return response.status === 200;
      } catch {
        return false;
      }
    },
    async close() {
      http.close();
    },
  };
}
