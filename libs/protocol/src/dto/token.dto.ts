import { IsOptional } from 'class-validator';
import {
  check,
  failWith,
  IntField,
  invalid,
  NestedField,
  Required,
  TimestampField,
  RawField,
  toWireLongs,
} from './field-decorators';
import { Schema } from './field-schema';

const isString = (v: unknown): boolean => typeof v === 'string';
const isNonBlank = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const isNonEmpty = (v: unknown): boolean => typeof v === 'string' && v !== '';

/**
 * `authenticate` (docs/api/session.md): `token` absent or empty ⇒ 401 `Unauthorized`; a
 * non-string can never be a valid JWT ⇒ 401 `Invalid credentials`.
 * Left to the core: signature, token type, expiry (`Token expired`), user missing or not ACTIVE.
 */
export class AuthenticateRequest {
  @Schema({ type: 'string', minLength: 1, description: 'An access token (JWT).' })
  @Required('DH_ERR_UNAUTHORIZED')
  @check('isNotEmpty', (v) => v !== '', failWith('DH_ERR_UNAUTHORIZED', 0))
  @check('isString', isString, failWith('INCORRECT_CREDENTIALS'))
  token!: string;
}

/**
 * `token` (docs/api/session.md): login blank or password empty ⇒ 400 `Invalid or empty
 * authorization request parameters`. Left to the core: unknown login (401), wrong password and
 * lockout (401 `Invalid credentials`), user not ACTIVE (401 `User is locked or disabled`).
 */
export class TokenRequest {
  @Schema({ type: 'string', minLength: 1 })
  @Required('INVALID_AUTH_REQUEST_PARAMETERS')
  @check('isNonBlank', isNonBlank, failWith('INVALID_AUTH_REQUEST_PARAMETERS'))
  login!: string;

  @Schema({ type: 'string', minLength: 1 })
  @Required('INVALID_AUTH_REQUEST_PARAMETERS')
  @check('isNonEmpty', isNonEmpty, failWith('INVALID_AUTH_REQUEST_PARAMETERS'))
  password!: string;
}

/**
 * `token/refresh` (docs/api/session.md): `refreshToken` absent, empty or not a string ⇒ 400
 * `Missing or invalid payload in request`. Left to the core: access token given (401 `Invalid token
 * type`), expired (401 `Token has expired`), bad signature or user (401 `Invalid credentials`).
 */
export class TokenRefreshRequest {
  @Schema({ type: 'string', minLength: 1, description: 'A refresh token (JWT).' })
  @Required('PAYLOAD_NOT_FOUND')
  @check('isNonEmpty', isNonEmpty, failWith('PAYLOAD_NOT_FOUND'))
  refreshToken!: string;
}

/**
 * A permission name (case-insensitive; unknown ones dropped by the core) or numeric id
 * (docs/api/README.md).
 */
/** Ids or `"*"` for every one (docs/api/README.md, "JWT"). */
const SCOPE_LIST_SCHEMA = {
  type: 'array',
  items: { oneOf: [{ type: 'integer' }, { const: '*' }] },
};

const isPermissionRef = (v: unknown): boolean => typeof v === 'string' || Number.isSafeInteger(v);
const isPermissionList = (v: unknown): boolean => Array.isArray(v) && v.every(isPermissionRef);
/**
 * Network/device-type ids (numbers or numeric strings) or `"*"` (docs/api/session.md token/create).
 */
const isScopeList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((id) => id === '*' || Number.isSafeInteger(id));

/** The `payload` of `token/create` (docs/api/session.md). */
export class TokenCreatePayload {
  @IntField({ required: true })
  userId!: number;

  /** Absent ⇒ the token grants nothing (`[1]`); `[]` ⇒ the client set at use time. */
  @Schema({
    type: 'array',
    items: { type: ['string', 'integer'] },
    description: 'Permission names or numeric ids (docs/api/README.md, "Permissions").',
  })
  @RawField()
  @IsOptional()
  @check(
    'isPermissionList',
    isPermissionList,
    invalid('must be an array of permission names or ids'),
  )
  actions?: Array<string | number>;

  /** `["*"]` = all networks; absent ⇒ no network access. */
  @Schema(SCOPE_LIST_SCHEMA)
  @RawField(toWireLongs)
  @IsOptional()
  @check('isScopeList', isScopeList, invalid('must be an array of ids or "*"'))
  networkIds?: Array<number | '*'>;

  /** `["*"]` = all device types; absent ⇒ null. */
  @Schema(SCOPE_LIST_SCHEMA)
  @RawField(toWireLongs)
  @IsOptional()
  @check('isScopeList', isScopeList, invalid('must be an array of ids or "*"'))
  deviceTypeIds?: Array<number | '*'>;

  /** Access-token expiry; the core defaults it to now + 30 min. */
  @TimestampField()
  expiration?: Date;

  /** Refresh-token expiry; the core defaults it to `expiration`, else now + 182 days. */
  @TimestampField()
  refreshExpiration?: Date;
}

/**
 * `token/create` (docs/api/session.md): `payload` absent ⇒ 400 `Missing or invalid payload in
 * request` (recommended over the reference's 500); not an object ⇒ 400 `Malformed Json received.`;
 * `payload.userId` absent or not an integer ⇒ 400 naming `payload.userId`.
 * Left to the core: user not found (404), user not ACTIVE (403), resolving permission names.
 */
export class TokenCreateRequest {
  @NestedField(() => TokenCreatePayload, 'PAYLOAD_NOT_FOUND')
  payload!: TokenCreatePayload;
}
