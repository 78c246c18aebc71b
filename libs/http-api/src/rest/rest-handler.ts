import type { IncomingMessage } from 'node:http';
import { findAction, type JsonObject } from '@dh-mqtt/protocol';
import type { ActionFace } from '../face/action-face.port';
import type { EventHub } from '../face/event-hub';
import { readJsonBody } from '../server/http-io';
import { newRestSession, restResponse, restSession, type RestResponse } from './rest-call';
import { pollCommandUpdate, pollEvents, type PollContext } from './rest-polls';
import { ACTION_ROUTES, type HttpMethod } from './rest-routes';
import { compilePath, matchPath, type PathPattern } from './route-match';
import type { RouteInput } from './route-input';

/** What the REST API runs with. */
export interface RestDeps {
  readonly face: ActionFace;
  readonly hub: EventHub;
  /** Largest request body accepted, in bytes (`DH_MAX_REQUEST_SIZE`). */
  readonly maxBodyBytes: number;
}

/** One REST call as the server hands it over. */
export interface RestCall {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly url: URL;
  /** Resolves when the client went away. */
  readonly gone: Promise<void>;
}

type Handler = (deps: RestDeps, call: RestCall, input: RouteInput) => Promise<RestResponse>;

interface Route {
  readonly method: HttpMethod;
  readonly pattern: PathPattern;
  readonly handle: Handler;
}

const R = '/api/rest';

/** `/api/rest/info` and `/auth/rest/info`: the server/info action plus the URLs of both APIs. */
const info: Handler = async (deps, call) => {
  const reply = await deps.face.handleFaceRequest(newRestSession(), {
    action: 'server/info',
  });
  if (reply.status === 'error') return restResponse(reply, '');
  const host = call.req.headers.host ?? 'localhost';
  const secure = call.req.headers['x-forwarded-proto'] === 'https';
  const { apiVersion, serverTimestamp } = (reply['info'] ?? {}) as JsonObject;
  return {
    status: 200,
    body: {
      apiVersion,
      serverTimestamp,
      webSocketServerUrl: `${secure ? 'wss' : 'ws'}://${host}/api/websocket`,
      restServerUrl: `${secure ? 'https' : 'http'}://${host}${R}`,
    },
  };
};

const SPECIAL: ReadonlyArray<[HttpMethod, string, Handler]> = [
  ['GET', `${R}/info`, info],
  ['GET', '/auth/rest/info', info],
  // No identity providers: login is by password only (docs/api/rest.md).
  ['GET', `${R}/info/config/auth`, async () => ({ status: 200, body: { providers: [] } })],
  ['GET', `${R}/device/notification/poll`, withSession((ctx) => pollEvents(ctx, 'notification'))],
  ['GET', `${R}/device/command/poll`, withSession((ctx) => pollEvents(ctx, 'command'))],
  [
    'GET',
    `${R}/device/{deviceId}/notification/poll`,
    withSession((c) => pollEvents(c, 'notification')),
  ],
  ['GET', `${R}/device/{deviceId}/command/poll`, withSession((ctx) => pollEvents(ctx, 'command'))],
  ['GET', `${R}/device/{deviceId}/command/{id}/poll`, withSession(pollCommandUpdate)],
];

const ROUTES: readonly Route[] = [
  ...SPECIAL.map(([method, path, handle]) => ({ method, pattern: compilePath(path), handle })),
  ...ACTION_ROUTES.map((route) => ({
    method: route.method,
    pattern: compilePath(route.path),
    handle: (async (deps, call, input) => {
      const needsAuth = findAction(route.action)?.needsAuth ?? true;
      const session = needsAuth ? await restSession(deps.face, call.req) : newRestSession();
      if (!('clientId' in session)) return session;
      const reply = await deps.face.handleFaceRequest(session, {
        ...route.fields(input),
        action: route.action,
      });
      return restResponse(reply, route.body, route.status);
    }) satisfies Handler,
  })),
];

/**
 * Answers one REST call (docs/api/rest.md). Returns the response and the route template (the
 * `route` metric label; `unknown` for no route). An unknown path is 404 `HTTP 404 Not Found`, a
 * known path with another method 405 `HTTP 405 Method Not Allowed`, as the reference answers.
 */
export async function handleRest(
  deps: RestDeps,
  call: RestCall,
): Promise<{ route: string; response: RestResponse }> {
  const segments = call.url.pathname.replace(/\/+$/, '').split('/').slice(1);
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, segments);
    if (params === null) continue;
    pathMatched = true;
    if (route.method !== call.method) continue;
    const template = route.pattern.template;
    let body: unknown;
    if (call.method === 'POST' || call.method === 'PUT') {
      const read = await readJsonBody(call.req, deps.maxBodyBytes);
      if (!read.ok) return { route: template, response: error(read.status, read.message) };
      body = read.value;
    }
    const input: RouteInput = { params, query: call.url.searchParams, body };
    return { route: template, response: await route.handle(deps, call, input) };
  }
  return pathMatched
    ? { route: 'unknown', response: error(405, 'HTTP 405 Method Not Allowed') }
    : { route: 'unknown', response: error(404, 'HTTP 404 Not Found') };
}

function error(status: number, message: string): RestResponse {
  return { status, body: { error: status, message } };
}

function withSession(poll: (ctx: PollContext) => Promise<RestResponse>): Handler {
  return async (deps, call, input) => {
    const session = await restSession(deps.face, call.req);
    if (!('clientId' in session)) return session;
    return poll({ face: deps.face, hub: deps.hub, session, input, gone: call.gone });
  };
}
