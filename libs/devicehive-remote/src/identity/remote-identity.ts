import { verifyToken } from '@dh-mqtt/devicehive';
import {
  DhError,
  UserRole,
  type IdScope,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import { remoteError } from '../http/remote-errors';
import type { RemoteApi } from '../remote-api';
import { permissionsOf, readClaims, scopeOf, type TokenClaims } from './token-claims';

/** The largest page the scope lookups ask for (the API's `take` ceiling). */
export const SCOPE_PAGE = 1000;

export interface IdentityOptions {
  /** `DH_JWT_SECRET` when the server's is shared: tokens are checked here before the server. */
  jwtSecret?: string;
  now: () => Date;
}

/** What `/user/current` tells about the token's user (the fields the principal needs). */
interface RemoteUser {
  id: number;
  login: string;
  role: number;
  /** Null when the server does not say (then the types it lists for the token decide). */
  allDeviceTypesAvailable: boolean | null;
  networkIds: number[] | null;
}

function readUser(body: unknown, claims: TokenClaims): RemoteUser {
  const user = (typeof body === 'object' && body !== null ? body : {}) as JsonObject;
  const networks = Array.isArray(user['networks']) ? user['networks'] : null;
  return {
    id: Number.isSafeInteger(user['id']) ? (user['id'] as number) : claims.u,
    login: typeof user['login'] === 'string' ? user['login'] : '',
    role: user['role'] === UserRole.Admin ? UserRole.Admin : UserRole.Client,
    allDeviceTypesAvailable:
      typeof user['allDeviceTypesAvailable'] === 'boolean' ? user['allDeviceTypesAvailable'] : null,
    networkIds: networks && idsOf(networks),
  };
}

function idsOf(entities: unknown[]): number[] {
  return entities
    .map((entity) => (entity as JsonObject | null)?.['id'])
    .filter((id): id is number => Number.isSafeInteger(id));
}

/** Only the listed ids of a scope: what a principal keeps when the server says no more. */
const explicit = (scope: IdScope): IdScope => (scope === '*' ? [] : scope);

/**
 * `authenticate` on the remote backend (docs/adr/0014): the token must be an access token the
 * server accepts. With a shared secret its signature is checked here first (a forged token never
 * reaches the server). Then `GET /user/current` with the token: 401 ⇒ `Invalid credentials`;
 * the user's role, status and networks come back; for a CLIENT user limited in device types,
 * `GET /devicetype` with the token gives the types it may see. The principal carries the token
 * (never logged) for the session's later requests.
 */
export async function authenticateRemote(
  api: RemoteApi,
  options: IdentityOptions,
  token: unknown,
  refreshToken: string | undefined,
): Promise<Principal> {
  if (typeof token !== 'string' || token === '') throw new DhError('DH_ERR_UNAUTHORIZED');
  const claims = readClaims(token);
  if (claims === null) throw new DhError('INCORRECT_CREDENTIALS');
  if (options.jwtSecret !== undefined) await verifyToken(options.jwtSecret, token);
  if (claims.t !== 1) throw new DhError('INCORRECT_CREDENTIALS');
  if (claims.e < options.now().getTime()) throw new DhError('TOKEN_EXPIRED_AUTHENTICATE');

  const response = await api.call('authenticate', {
    method: 'GET',
    url: api.url('rest', '/user/current'),
    bearer: token,
  });
  const networkIds = scopeOf(claims.n);
  const deviceTypeIds = scopeOf(claims.dt);
  const base = {
    permissions: permissionsOf(claims.a),
    networkIds,
    accessToken: token,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
  // 401: the token is refused; 404/409: its user is gone (the server's "can not get current user").
  if ([401, 404, 409].includes(response.status)) throw new DhError('INCORRECT_CREDENTIALS');
  if (response.status === 403) {
    // A valid token without GetCurrentUser: the server would not say who it is, so the session
    // sees at most the token's explicit ids (docs/adr/0014, "Identity").
    return {
      ...base,
      userId: claims.u,
      login: '',
      role: UserRole.Client,
      deviceTypeIds,
      userNetworkIds: explicit(networkIds),
      userDeviceTypeIds: explicit(deviceTypeIds),
    };
  }
  if (response.status !== 200) throw remoteError(response);
  const user = readUser(response.body, claims);
  const admin = user.role === UserRole.Admin;
  const allTypes = user.allDeviceTypesAvailable;
  // As the embedded core reads `dt` (docs/api/README.md, "JWT"); a flag the server does not give
  // leaves the token's `dt` (or all, when absent) and the server's list of types to decide.
  const tokenTypes =
    allTypes === true ? '*' : claims.dt == null ? (allTypes === false ? [] : '*') : deviceTypeIds;
  return {
    ...base,
    userId: user.id,
    login: user.login,
    role: admin ? UserRole.Admin : UserRole.Client,
    deviceTypeIds: tokenTypes,
    userNetworkIds: admin ? '*' : (user.networkIds ?? explicit(networkIds)),
    userDeviceTypeIds:
      admin || allTypes === true ? '*' : await visibleDeviceTypes(api, token, deviceTypeIds),
  };
}

/** The device types the token's CLIENT user may see, as the server lists them. */
async function visibleDeviceTypes(api: RemoteApi, token: string, dt: IdScope): Promise<IdScope> {
  const response = await api.call('authenticate', {
    method: 'GET',
    url: api.url('rest', '/devicetype', { take: SCOPE_PAGE }),
    bearer: token,
  });
  if (response.status === 200 && Array.isArray(response.body)) return idsOf(response.body);
  return explicit(dt);
}
