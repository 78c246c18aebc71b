import type { ActionName, JsonObject } from '@dh-mqtt/protocol';
import { USER_ROUTES } from './user-routes';
import { bodyObject, booleanValue, queryFields, wireValue, type RouteInput } from './route-input';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One REST endpoint of docs/api/rest.md: the action it runs (through the same dispatcher as
 * every face, docs/adr/0012), how its fields come from the path, query and body, and which reply
 * field is the response body.
 */
export interface ActionRoute {
  readonly method: HttpMethod;
  /** Path template, `{name}` = one decoded path segment; also the `route` metric label. */
  readonly path: string;
  readonly action: ActionName;
  readonly fields: (input: RouteInput) => JsonObject;
  /** The reply field sent as the body; absent = no body (204). */
  readonly body?: string;
  /** Success status; default 200 with a body, 204 without. */
  readonly status?: number;
}

const LIST = ['take', 'skip', 'sortField', 'sortOrder'];
const ENTITY_FILTERS = ['name', 'namePattern'];
const EVENT_FILTERS = ['start', 'end', ...LIST];
const id =
  (name: string, as = name) =>
  (input: RouteInput) => ({
    [as]: wireValue(input.params[name]),
  });
const withId = (name: string, as: string, field: string) => (input: RouteInput) => ({
  [as]: wireValue(input.params[name]),
  [field]: input.body,
});

const R = '/api/rest';

/** Every REST endpoint that maps onto one action, most specific paths first. */
export const ACTION_ROUTES: readonly ActionRoute[] = [
  // tokens (docs/api/rest.md, "Tokens")
  ...['/auth/rest/token', `${R}/token`].flatMap((base): ActionRoute[] => [
    {
      method: 'POST',
      path: base,
      action: 'token',
      fields: ({ body }) => bodyObject(body),
      body: '',
      status: 201,
    },
    {
      method: 'POST',
      path: `${base}/refresh`,
      action: 'token/refresh',
      fields: ({ body }) => bodyObject(body),
      body: '',
      status: 201,
    },
    {
      method: 'POST',
      path: `${base}/create`,
      action: 'token/create',
      fields: ({ body }) => ({ payload: body }),
      body: '',
      status: 201,
    },
  ]),
  {
    method: 'GET',
    path: `${R}/info/config/cluster`,
    action: 'cluster/info',
    fields: () => ({}),
    body: 'clusterInfo',
  },
  // configuration
  {
    method: 'GET',
    path: `${R}/configuration/{name}`,
    action: 'configuration/get',
    fields: ({ params }) => ({ name: params['name'] }),
    body: 'configuration',
  },
  {
    method: 'PUT',
    path: `${R}/configuration/{name}`,
    action: 'configuration/put',
    fields: ({ params, body }) => ({ ...bodyObject(body), name: params['name'] }),
    body: 'configuration',
  },
  {
    method: 'DELETE',
    path: `${R}/configuration/{name}`,
    action: 'configuration/delete',
    fields: ({ params }) => ({ name: params['name'] }),
  },
  // notifications and commands of one device
  {
    method: 'GET',
    path: `${R}/device/{deviceId}/notification`,
    action: 'notification/list',
    fields: (i) => ({
      deviceId: i.params['deviceId'],
      ...queryFields(i.query, ['notification', ...EVENT_FILTERS]),
    }),
    body: 'notifications',
  },
  {
    method: 'GET',
    path: `${R}/device/{deviceId}/notification/{id}`,
    action: 'notification/get',
    fields: (i) => ({ deviceId: i.params['deviceId'], notificationId: wireValue(i.params['id']) }),
    body: 'notification',
  },
  {
    method: 'POST',
    path: `${R}/device/{deviceId}/notification`,
    action: 'notification/insert',
    fields: withId('deviceId', 'deviceId', 'notification'),
    body: 'notification',
    status: 201,
  },
  {
    method: 'GET',
    path: `${R}/device/{deviceId}/command`,
    action: 'command/list',
    fields: (i) => ({
      deviceId: i.params['deviceId'],
      ...queryFields(i.query, ['command', 'status', ...EVENT_FILTERS]),
    }),
    body: 'commands',
  },
  {
    method: 'GET',
    path: `${R}/device/{deviceId}/command/{id}`,
    action: 'command/get',
    fields: (i) => ({ deviceId: i.params['deviceId'], commandId: wireValue(i.params['id']) }),
    body: 'command',
  },
  {
    method: 'POST',
    path: `${R}/device/{deviceId}/command`,
    action: 'command/insert',
    fields: withId('deviceId', 'deviceId', 'command'),
    body: 'command',
    status: 201,
  },
  {
    method: 'PUT',
    path: `${R}/device/{deviceId}/command/{id}`,
    action: 'command/update',
    fields: (i) => ({
      deviceId: i.params['deviceId'],
      commandId: wireValue(i.params['id']),
      command: i.body,
    }),
  },
  // devices
  {
    method: 'GET',
    path: `${R}/device`,
    action: 'device/list',
    fields: (i) => queryFields(i.query, [...ENTITY_FILTERS, 'networkId', 'networkName', ...LIST]),
    body: 'devices',
  },
  {
    method: 'GET',
    path: `${R}/device/count`,
    action: 'device/count',
    fields: (i) => queryFields(i.query, [...ENTITY_FILTERS, 'networkId', 'networkName']),
    body: '',
  },
  {
    method: 'GET',
    path: `${R}/device/{deviceId}`,
    action: 'device/get',
    fields: ({ params }) => ({ deviceId: params['deviceId'] }),
    body: 'device',
  },
  {
    method: 'PUT',
    path: `${R}/device/{deviceId}`,
    action: 'device/save',
    fields: ({ params, body }) => ({ deviceId: params['deviceId'], device: body }),
  },
  {
    method: 'DELETE',
    path: `${R}/device/{deviceId}`,
    action: 'device/delete',
    fields: ({ params }) => ({ deviceId: params['deviceId'] }),
  },
  // networks and device types
  ...(
    [
      ['network', 'network', 'networkId', 'networks'],
      ['devicetype', 'deviceType', 'deviceTypeId', 'deviceTypes'],
    ] as const
  ).flatMap(([segment, entity, idField, plural]): ActionRoute[] => [
    {
      method: 'GET',
      path: `${R}/${segment}`,
      action: `${segment}/list`,
      fields: (i) => queryFields(i.query, [...ENTITY_FILTERS, ...LIST]),
      body: plural,
    },
    {
      method: 'GET',
      path: `${R}/${segment}/count`,
      action: `${segment}/count`,
      fields: (i) => queryFields(i.query, ENTITY_FILTERS),
      body: '',
    },
    {
      method: 'GET',
      path: `${R}/${segment}/{id}`,
      action: `${segment}/get`,
      fields: id('id', idField),
      body: entity,
    },
    {
      method: 'POST',
      path: `${R}/${segment}`,
      action: `${segment}/insert`,
      fields: ({ body }) => ({ [entity]: body }),
      body: entity,
      status: 201,
    },
    {
      method: 'PUT',
      path: `${R}/${segment}/{id}`,
      action: `${segment}/update`,
      fields: withId('id', idField, entity),
    },
    {
      method: 'DELETE',
      path: `${R}/${segment}/{id}`,
      action: `${segment}/delete`,
      fields: (i) => ({
        [idField]: wireValue(i.params['id']),
        force: booleanValue(i.query.get('force')),
      }),
    },
  ]),
  ...USER_ROUTES,
];
