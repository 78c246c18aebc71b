import type { ActionName, JsonObject } from '@dh-mqtt/protocol';

/**
 * How one action runs on a DeviceHive 4.x server's REST API (docs/adr/0014, "Action mapping"):
 * the call, and where its answer goes in this API's reply.
 */
export interface RemoteRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `rest` = `DH_DEVICEHIVE_URL`, `auth` = `DH_DEVICEHIVE_AUTH_URL` (the token endpoints). */
  readonly base: 'rest' | 'auth';
  /** The path under the base, built from the request (segments percent-encoded). */
  readonly path: (request: JsonObject) => string;
  /** Request fields sent as query parameters when present. */
  readonly query?: readonly string[];
  /** The JSON body, from the request. */
  readonly body?: (request: JsonObject) => unknown;
  /** The reply field that holds the answer; `''` = the answer's own fields; absent = none. */
  readonly reply?: string;
  /** Sent without the session's token (login, refresh, server information). */
  readonly anonymous?: boolean;
}

/** One path segment from a request field. */
const seg = (request: JsonObject, field: string): string =>
  encodeURIComponent(String(request[field] ?? ''));
const field =
  (name: string) =>
  (request: JsonObject): unknown =>
    request[name] ?? {};

const PAGE = ['sortField', 'sortOrder', 'take', 'skip'];
const NAMED = ['name', 'namePattern'];
const EVENT_RANGE = ['start', 'end', ...PAGE];

function namedEntity(
  segment: 'network' | 'devicetype',
  idField: 'networkId' | 'deviceTypeId',
  entity: 'network' | 'deviceType',
  plural: string,
): Array<[ActionName, RemoteRoute]> {
  const one = (r: JsonObject) => `/${segment}/${seg(r, idField)}`;
  return [
    [`${segment}/get`, { method: 'GET', base: 'rest', path: one, reply: entity }],
    [
      `${segment}/list`,
      {
        method: 'GET',
        base: 'rest',
        path: () => `/${segment}`,
        query: [...NAMED, ...PAGE],
        reply: plural,
      },
    ],
    [
      `${segment}/count`,
      { method: 'GET', base: 'rest', path: () => `/${segment}/count`, query: NAMED, reply: '' },
    ],
    [
      `${segment}/insert`,
      {
        method: 'POST',
        base: 'rest',
        path: () => `/${segment}`,
        body: field(entity),
        reply: entity,
      },
    ],
    [`${segment}/update`, { method: 'PUT', base: 'rest', path: one, body: field(entity) }],
    [`${segment}/delete`, { method: 'DELETE', base: 'rest', path: one, query: ['force'] }],
  ];
}

const user = (r: JsonObject) => `/user/${seg(r, 'userId')}`;
const userNetwork = (r: JsonObject) => `${user(r)}/network/${seg(r, 'networkId')}`;
const userType = (r: JsonObject) => `${user(r)}/devicetype/${seg(r, 'deviceTypeId')}`;
const device = (r: JsonObject) => `/device/${seg(r, 'deviceId')}`;
const command = (r: JsonObject) => `${device(r)}/command/${seg(r, 'commandId')}`;

/**
 * Every action that maps onto one REST call of DeviceHive 4.x (the server's REST resources:
 * paths, methods, query parameters, bodies). `authenticate` and the subscribe actions need more
 * than one call (remote-identity.ts, remote-subscribe.ts); the broker answers the others.
 */
export const REMOTE_ROUTES: ReadonlyMap<ActionName, RemoteRoute> = new Map<ActionName, RemoteRoute>(
  [
    [
      'token',
      {
        method: 'POST',
        base: 'auth',
        path: () => '/token',
        body: (r) => ({ login: r['login'], password: r['password'] }),
        reply: '',
        anonymous: true,
      },
    ],
    [
      'token/refresh',
      {
        method: 'POST',
        base: 'auth',
        path: () => '/token/refresh',
        body: (r) => ({ refreshToken: r['refreshToken'] }),
        reply: '',
        anonymous: true,
      },
    ],
    [
      'token/create',
      {
        method: 'POST',
        base: 'auth',
        path: () => '/token/create',
        body: field('payload'),
        reply: '',
      },
    ],
    [
      'server/info',
      { method: 'GET', base: 'rest', path: () => '/info', reply: 'info', anonymous: true },
    ],
    [
      'server/cacheInfo',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/info/cache',
        reply: 'cacheInfo',
        anonymous: true,
      },
    ],
    [
      'cluster/info',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/info/config/cluster',
        reply: 'clusterInfo',
        anonymous: true,
      },
    ],
    [
      'configuration/get',
      {
        method: 'GET',
        base: 'rest',
        path: (r) => `/configuration/${seg(r, 'name')}`,
        reply: 'configuration',
      },
    ],
    [
      'configuration/put',
      {
        method: 'PUT',
        base: 'rest',
        path: (r) => `/configuration/${seg(r, 'name')}`,
        body: (r) => ({ value: r['value'] }),
        reply: 'configuration',
      },
    ],
    [
      'configuration/delete',
      { method: 'DELETE', base: 'rest', path: (r) => `/configuration/${seg(r, 'name')}` },
    ],

    ['device/get', { method: 'GET', base: 'rest', path: device, reply: 'device' }],
    [
      'device/list',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/device',
        query: [...NAMED, 'networkId', 'networkName', ...PAGE],
        reply: 'devices',
      },
    ],
    [
      'device/count',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/device/count',
        query: [...NAMED, 'networkId', 'networkName'],
        reply: '',
      },
    ],
    ['device/save', { method: 'PUT', base: 'rest', path: device, body: field('device') }],
    ['device/delete', { method: 'DELETE', base: 'rest', path: device }],

    ...namedEntity('network', 'networkId', 'network', 'networks'),
    ...namedEntity('devicetype', 'deviceTypeId', 'deviceType', 'deviceTypes'),

    ['user/get', { method: 'GET', base: 'rest', path: user, reply: 'user' }],
    [
      'user/list',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/user',
        query: ['login', 'loginPattern', 'role', 'status', ...PAGE],
        reply: 'users',
      },
    ],
    [
      'user/count',
      {
        method: 'GET',
        base: 'rest',
        path: () => '/user/count',
        query: ['login', 'loginPattern', 'role', 'status'],
        reply: '',
      },
    ],
    [
      'user/insert',
      { method: 'POST', base: 'rest', path: () => '/user', body: field('user'), reply: 'user' },
    ],
    ['user/update', { method: 'PUT', base: 'rest', path: user, body: field('user') }],
    ['user/delete', { method: 'DELETE', base: 'rest', path: user }],
    [
      'user/getCurrent',
      { method: 'GET', base: 'rest', path: () => '/user/current', reply: 'current' },
    ],
    [
      'user/updateCurrent',
      { method: 'PUT', base: 'rest', path: () => '/user/current', body: field('user') },
    ],
    ['user/getNetwork', { method: 'GET', base: 'rest', path: userNetwork, reply: 'network' }],
    ['user/assignNetwork', { method: 'PUT', base: 'rest', path: userNetwork }],
    ['user/unassignNetwork', { method: 'DELETE', base: 'rest', path: userNetwork }],
    [
      'user/getDeviceTypes',
      { method: 'GET', base: 'rest', path: (r) => `${user(r)}/devicetype`, reply: 'deviceTypes' },
    ],
    ['user/getDeviceType', { method: 'GET', base: 'rest', path: userType, reply: 'deviceType' }],
    ['user/assignDeviceType', { method: 'PUT', base: 'rest', path: userType }],
    ['user/unassignDeviceType', { method: 'DELETE', base: 'rest', path: userType }],
    [
      'user/allowAllDeviceTypes',
      { method: 'PUT', base: 'rest', path: (r) => `${user(r)}/devicetype/all` },
    ],
    [
      'user/disallowAllDeviceTypes',
      { method: 'DELETE', base: 'rest', path: (r) => `${user(r)}/devicetype/all` },
    ],

    ['command/get', { method: 'GET', base: 'rest', path: command, reply: 'command' }],
    [
      'command/list',
      {
        method: 'GET',
        base: 'rest',
        path: (r) => `${device(r)}/command`,
        query: ['command', 'status', ...EVENT_RANGE],
        reply: 'commands',
      },
    ],
    [
      'command/insert',
      {
        method: 'POST',
        base: 'rest',
        path: (r) => `${device(r)}/command`,
        body: field('command'),
        reply: 'command',
      },
    ],
    ['command/update', { method: 'PUT', base: 'rest', path: command, body: field('command') }],

    [
      'notification/get',
      {
        method: 'GET',
        base: 'rest',
        path: (r) => `${device(r)}/notification/${seg(r, 'notificationId')}`,
        reply: 'notification',
      },
    ],
    [
      'notification/list',
      {
        method: 'GET',
        base: 'rest',
        path: (r) => `${device(r)}/notification`,
        query: ['notification', ...EVENT_RANGE],
        reply: 'notifications',
      },
    ],
    [
      'notification/insert',
      {
        method: 'POST',
        base: 'rest',
        path: (r) => `${device(r)}/notification`,
        body: field('notification'),
        reply: 'notification',
      },
    ],
  ],
);

/** A time as DeviceHive writes it: UTC with milliseconds and no zone (docs/api/README.md). */
export function dhTimestamp(date: Date): string {
  return date.toISOString().slice(0, 23);
}

/** A query value as the server reads it; objects and arrays are not query values. */
export function queryValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Date) return dhTimestamp(value);
  return undefined;
}

/**
 * A request part as JSON for the server: validated requests may hold `Date`s (timestamps), which
 * the server reads in its own format.
 */
export function wireJson(value: unknown): unknown {
  if (value instanceof Date) return dhTimestamp(value);
  if (Array.isArray(value)) return value.map(wireJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wireJson(item)]));
  }
  return value;
}

/** The reply fields of a success answer for `route` (docs/api/README.md reply shapes). */
export function replyBody(route: RemoteRoute, answer: unknown): JsonObject {
  if (route.reply === undefined) return {};
  if (route.reply === '') {
    return typeof answer === 'object' && answer !== null && !Array.isArray(answer)
      ? { ...(answer as JsonObject) }
      : {};
  }
  return { [route.reply]: (answer ?? null) as JsonObject };
}
