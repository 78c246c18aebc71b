import { DhError, UserRole, UserStatus, type JsonObject } from '@dh-mqtt/protocol';
import {
  idText,
  isJsonObject,
  optionalString,
  parseId,
  readListQuery,
} from '../core/request-fields';
import type { UserFilter, UserListOptions, UserSortField } from '../repositories/user.repository';

/*
 * Reading of the user actions' request fields (docs/api/users.md). The protocol DTOs validate
 * shapes before the core runs; these checks hold the rules that need the trimmed value or the
 * action's semantics, and keep the core safe (no 500 from a CHECK constraint) if called directly.
 */

/** The `user` object of `user/insert`, `user/update` and `user/updateCurrent`. */
export interface UserPayload {
  login?: unknown;
  role?: unknown;
  status?: unknown;
  password?: unknown;
  data?: unknown;
  introReviewed?: unknown;
  allDeviceTypesAvailable?: unknown;
}

const LOGIN_PATTERN = /^[\w@.-]+$/;

/** A required id field: the parsed id (NaN when no row can have it) and its text for errors. */
export interface RequestId {
  id: number;
  text: string;
}

/**
 * Reads an id given as a JSON number or a numeric string (docs/api/README.md); absent ⇒ the
 * action's "wrong or empty" 400. An id no row can have (`"abc"`, `1.5`) yields NaN, so lookups
 * answer 404.
 */
export function requireId(
  request: JsonObject,
  field: string,
  missing: 'USER_ID_REQUIRED' | 'NETWORK_ID_REQUIRED' | 'DEVICE_TYPE_ID_REQUIRED',
): RequestId {
  const raw = request[field];
  const id = parseId(raw);
  if (id === null) throw new DhError(missing);
  return { id, text: idText(raw) };
}

/** The `user` object, or 400 `User is required`. */
export function requireUserPayload(request: JsonObject): UserPayload {
  const user = request['user'];
  if (user === undefined || user === null) throw new DhError('USER_REQUIRED');
  if (!isJsonObject(user)) throw new DhError('DH_ERR_MALFORMED_JSON');
  return user as UserPayload;
}

/** The login trimmed (docs/api/users.md), 3–128 characters of `[\w@.-]`. */
export function checkLogin(value: unknown): string {
  if (typeof value !== 'string') throw new DhError('LOGIN_LENGTH_INVALID');
  const login = value.trim();
  if (login.length < 3 || login.length > 128) throw new DhError('LOGIN_LENGTH_INVALID');
  if (!LOGIN_PATTERN.test(login)) throw new DhError('LOGIN_PATTERN_INVALID');
  return login;
}

/** A password of 6–128 characters (docs/api/users.md). */
export function checkPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < 6 || value.length > 128) {
    throw new DhError('PASSWORD_VALIDATION_FAILED');
  }
  return value;
}

/** 0 = ADMIN, 1 = CLIENT (docs/api/README.md). */
export function checkRole(value: unknown): number {
  if (value !== UserRole.Admin && value !== UserRole.Client) throw new DhError('INVALID_USER_ROLE');
  return value;
}

/** 0..2 (docs/api/README.md); 3 (the former DELETED) crashed the reference, so it is a 400 here. */
export function checkStatus(value: unknown): number {
  const statuses: unknown[] = Object.values(UserStatus);
  if (!statuses.includes(value)) throw new DhError('INVALID_REQUEST_PARAMETERS');
  return value as number;
}

/** A JSON object or null (docs/api/README.md). */
export function checkData(value: unknown): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (!isJsonObject(value)) throw new DhError('PARAMS_NOT_JSON');
  return value;
}

export function checkBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new DhError('DH_ERR_MALFORMED_JSON');
  return value;
}

function optionalInt(request: JsonObject, field: string): number | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DhError('INVALID_REQUEST_PARAMETERS');
  }
  return value;
}

/**
 * `login`, `loginPattern`, `role`, `status` of `user/list` and `user/count` (docs/api/users.md).
 */
export function readUserFilter(request: JsonObject): UserFilter {
  return {
    login: optionalString(request, 'login'),
    loginPattern: optionalString(request, 'loginPattern'),
    role: optionalInt(request, 'role'),
    status: optionalInt(request, 'status'),
  };
}

const SORT_FIELDS: Readonly<Record<string, UserSortField>> = { id: 'id', login: 'login' };

/**
 * Sorting (`id`|`login`, default `id` ascending) and paging of `user/list` (docs/api/README.md).
 */
export function readUserListOptions(request: JsonObject): UserListOptions {
  return readListQuery(request, SORT_FIELDS, 'id');
}
