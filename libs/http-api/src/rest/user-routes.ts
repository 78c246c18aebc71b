import type { ActionRoute } from './rest-routes';
import { queryFields, wireValue, type RouteInput } from './route-input';

const R = '/api/rest';
const LIST = ['take', 'skip', 'sortField', 'sortOrder'];
const userId = (input: RouteInput) => ({ userId: wireValue(input.params['id']) });

/** The user endpoints of docs/api/rest.md, "Users", most specific paths first. */
export const USER_ROUTES: readonly ActionRoute[] = [
  {
    method: 'GET',
    path: `${R}/user/current`,
    action: 'user/getCurrent',
    fields: () => ({}),
    body: 'current',
  },
  {
    method: 'PUT',
    path: `${R}/user/current`,
    action: 'user/updateCurrent',
    fields: ({ body }) => ({ user: body }),
  },
  {
    method: 'GET',
    path: `${R}/user`,
    action: 'user/list',
    fields: (i) => queryFields(i.query, ['login', 'loginPattern', 'role', 'status', ...LIST]),
    body: 'users',
  },
  {
    method: 'GET',
    path: `${R}/user/count`,
    action: 'user/count',
    fields: (i) => queryFields(i.query, ['login', 'loginPattern', 'role', 'status']),
    body: '',
  },
  {
    method: 'GET',
    path: `${R}/user/{id}`,
    action: 'user/get',
    fields: userId,
    body: 'user',
  },
  {
    method: 'POST',
    path: `${R}/user`,
    action: 'user/insert',
    fields: ({ body }) => ({ user: body }),
    body: 'user',
    status: 201,
  },
  {
    method: 'PUT',
    path: `${R}/user/{id}`,
    action: 'user/update',
    fields: (i) => ({ ...userId(i), user: i.body }),
  },
  { method: 'DELETE', path: `${R}/user/{id}`, action: 'user/delete', fields: userId },
  {
    method: 'GET',
    path: `${R}/user/{id}/network/{networkId}`,
    action: 'user/getNetwork',
    fields: userAnd('networkId'),
    body: 'network',
  },
  {
    method: 'PUT',
    path: `${R}/user/{id}/network/{networkId}`,
    action: 'user/assignNetwork',
    fields: userAnd('networkId'),
  },
  {
    method: 'DELETE',
    path: `${R}/user/{id}/network/{networkId}`,
    action: 'user/unassignNetwork',
    fields: userAnd('networkId'),
  },
  {
    method: 'GET',
    path: `${R}/user/{id}/devicetype`,
    action: 'user/getDeviceTypes',
    fields: userId,
    body: 'deviceTypes',
  },
  {
    method: 'PUT',
    path: `${R}/user/{id}/devicetype/all`,
    action: 'user/allowAllDeviceTypes',
    fields: userId,
  },
  {
    method: 'DELETE',
    path: `${R}/user/{id}/devicetype/all`,
    action: 'user/disallowAllDeviceTypes',
    fields: userId,
  },
  {
    method: 'GET',
    path: `${R}/user/{id}/devicetype/{deviceTypeId}`,
    action: 'user/getDeviceType',
    fields: userAnd('deviceTypeId'),
    body: 'deviceType',
  },
  {
    method: 'PUT',
    path: `${R}/user/{id}/devicetype/{deviceTypeId}`,
    action: 'user/assignDeviceType',
    fields: userAnd('deviceTypeId'),
  },
  {
    method: 'DELETE',
    path: `${R}/user/{id}/devicetype/{deviceTypeId}`,
    action: 'user/unassignDeviceType',
    fields: userAnd('deviceTypeId'),
  },
];

function userAnd(field: string) {
  return (input: RouteInput) => ({
    userId: wireValue(input.params['id']),
    [field]: wireValue(input.params[field]),
  });
}
