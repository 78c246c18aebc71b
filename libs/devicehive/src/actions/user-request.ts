import type { UserCountRequest } from '@dh-mqtt/protocol';
import { entityListQuery, type EntityPage } from '../core/request-fields';
import type { UserFilter, UserListOptions, UserSortField } from '../repositories/user.repository';

/*
 * Reading of the user actions' typed requests (docs/api/users.md). The protocol DTOs checked the
 * login (trimmed, 3–128 characters of `[\w@.-]`), the password (6–128), role, status, data and
 * the flags; what is left needs the database (duplicate login, existence) or the caller (which
 * fields a CLIENT may change).
 */

/** A user id and its text for error replies. */
export interface RequestId {
  id: number;
  text: string;
}

/** The `userId` of a request, with its text for error replies. */
export const userIdOf = (request: { userId: number }): RequestId => ({
  id: request.userId,
  text: String(request.userId),
});

/**
 * `login`, `loginPattern`, `role`, `status` of `user/list` and `user/count` (docs/api/users.md).
 */
export function readUserFilter(request: UserCountRequest): UserFilter {
  const filter: UserFilter = {};
  if (request.login != null) filter.login = request.login;
  if (request.loginPattern != null) filter.loginPattern = request.loginPattern;
  if (request.role != null) filter.role = request.role;
  if (request.status != null) filter.status = request.status;
  return filter;
}

const SORT_KEYS: Readonly<Record<'id' | 'login', UserSortField>> = { id: 'id', login: 'login' };

/**
 * Sorting (`id`|`login`, default `id` ascending) and paging of `user/list` (docs/api/README.md).
 */
export function readUserListOptions(request: EntityPage<'id' | 'login'>): UserListOptions {
  return entityListQuery(request, SORT_KEYS, 'id');
}
