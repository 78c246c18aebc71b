import type { JsonObject } from '@dh-mqtt/protocol';
import type { NamedEntity } from '../repositories/user-assignment.repository';
import type { UserRecord } from '../repositories/user.repository';

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
    role: user.role,
    status: user.status,
    lastLogin: user.lastLogin,
    data: user.data,
    introReviewed: user.introReviewed,
    allDeviceTypesAvailable: user.allDeviceTypesAvailable,
  };
}

/** `user/get`, `user/getCurrent`: the listed view plus the assigned networks. */
export function publishedUserView(user: UserRecord, networks: readonly NamedEntity[]): JsonObject {
  return { ...listedUserView(user), networks: networks.map(namedView) };
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
  };
}

/**
 * A network or device type as id, name, description (docs/api/networks.md,
 * docs/api/device-types.md).
 */
export function namedView(entity: NamedEntity): JsonObject {
  return { id: entity.id, name: entity.name, description: entity.description };
}
