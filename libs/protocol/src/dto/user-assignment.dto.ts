import { EntityIdField, WireIdField } from './field-decorators';

/**
 * User ↔ network and user ↔ device-type actions (docs/api/users.md). `userId` absent or
 * not an integer ⇒ 400 `User id is wrong or empty` (checked first); `networkId`/`deviceTypeId`
 * absent ⇒ 400 `Network id is wrong or empty` / `Device type id is wrong or empty`, wrong kind ⇒
 * 400 `Malformed Json received.` (docs/api/README.md).
 */
abstract class UserTargetRequest {
  @EntityIdField('USER_ID_REQUIRED')
  userId!: number;
}

abstract class UserNetworkTargetRequest extends UserTargetRequest {
  @WireIdField('NETWORK_ID_REQUIRED')
  networkId!: number;
}

abstract class UserDeviceTypeTargetRequest extends UserTargetRequest {
  @WireIdField('DEVICE_TYPE_ID_REQUIRED')
  deviceTypeId!: number;
}

/** `user/getNetwork`. Left to the core: 404 USER_NOT_FOUND, 404 USER_NETWORK_NOT_FOUND. */
export class UserGetNetworkRequest extends UserNetworkTargetRequest {}

/** `user/assignNetwork` (idempotent). Left to the core: 404 USER_NOT_FOUND / NETWORK_NOT_FOUND. */
export class UserAssignNetworkRequest extends UserNetworkTargetRequest {}

/** `user/unassignNetwork`. Left to the core: as assign; unassigned network succeeds silently. */
export class UserUnassignNetworkRequest extends UserNetworkTargetRequest {}

/** `user/getDeviceType` (docs/api/users.md). Left to the core: 404s. */
export class UserGetDeviceTypeRequest extends UserDeviceTypeTargetRequest {}

/**
 * `user/assignDeviceType` (docs/api/users.md). Left to the core: 404s, 403
 * DEVICE_TYPE_ASSIGNMENT_NOT_ALLOWED when the user has all device types.
 */
export class UserAssignDeviceTypeRequest extends UserDeviceTypeTargetRequest {}

/** `user/unassignDeviceType` (docs/api/users.md). Left to the core: as assign. */
export class UserUnassignDeviceTypeRequest extends UserDeviceTypeTargetRequest {}

/** `user/getDeviceTypes` (docs/api/users.md). Left to the core: 404 USER_NOT_FOUND. */
export class UserGetDeviceTypesRequest extends UserTargetRequest {}

/** `user/allowAllDeviceTypes` (docs/api/users.md). Left to the core: 404 USER_NOT_FOUND. */
export class UserAllowAllDeviceTypesRequest extends UserTargetRequest {}

/** `user/disallowAllDeviceTypes` (docs/api/users.md). Left to the core: 404 USER_NOT_FOUND. */
export class UserDisallowAllDeviceTypesRequest extends UserTargetRequest {}
