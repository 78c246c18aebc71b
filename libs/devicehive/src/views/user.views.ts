import type {
  JsonObject,
  UserListedView,
  UserPublishedView,
  UserRole,
  UserStatus,
  UserSubmittedView,
} from '@dh-mqtt/protocol';
import type { NamedEntityRecord } from '../repositories/named-entity.repository';
import type { UserRecord } from '../repositories/user.repository';
import { namedView } from './named-entity.views';

/*
 * The JSON views of a user (docs/api/users.md), with the reference key order. Built from
 * UserRecord, which never holds the password hash, salt or loginAttempts.
 */

/**
 * `user/list`: id, login, role, status, lastLogin, data, introReviewed, allDeviceTypesAvailable.
 */
export function listedUserView(user: UserRecord): JsonObject {
  return {
    id: user.id,
    login: user.login,
    // The table's CHECK constraints hold these to the protocol's values.
    role: user.role as UserRole,
    status: user.status as UserStatus,
    lastLogin: user.lastLogin,
    data: user.data,
    introReviewed: user.introReviewed,
    allDeviceTypesAvailable: user.allDeviceTypesAvailable,
  } satisfies UserListedView;
}

/** `user/get`, `user/getCurrent`: the listed view plus the assigned networks. */
export function publishedUserView(
  user: UserRecord,
  networks: readonly NamedEntityRecord[],
): JsonObject {
  const listed = listedUserView(user) as unknown as UserListedView;
  return { ...listed, networks: networks.map(namedView) } satisfies UserPublishedView;
}

/**
 * `user/insert`: id, lastLogin, data, introReviewed, allDeviceTypesAvailable (no
 * login/role/status).
 */
export function submittedUserView(user: UserRecord): JsonObject {
  return {
    id: user.id,
    lastLogin: user.lastLogin,
    data: user.data,
    introReviewed: user.introReviewed,
    allDeviceTypesAvailable: user.allDeviceTypesAvailable,
  } satisfies UserSubmittedView;
}
