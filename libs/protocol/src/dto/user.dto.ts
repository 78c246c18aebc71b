import { IsIn, IsOptional } from 'class-validator';
import { Transform } from 'class-transformer';
import type { UserRole, UserStatus } from '../principal/principal';
import { EntityPageRequest } from './list.dto';
import {
  BoolField,
  check,
  Default,
  EntityIdField,
  failWith,
  invalid,
  JsonObjectField,
  NestedField,
  Required,
  StringField,
  Trim,
} from './field-decorators';
import { Schema } from './field-schema';
import { SortFieldOf } from './list-fields';

/** Login and password rules (docs/api/users.md). */
export const LOGIN_PATTERN = /^[\w@.-]+$/;
export const PASSWORD_PATTERN = /^.{6,128}$/;
const ROLES: readonly UserRole[] = [0, 1];
const STATUSES: readonly UserStatus[] = [0, 1, 2];
const STATUS_TEXT = 'must be 0 (active), 1 (locked out) or 2 (disabled)';

const LOGIN_SCHEMA = {
  type: 'string',
  minLength: 3,
  maxLength: 128,
  pattern: LOGIN_PATTERN.source,
  description: 'Trimmed before it is checked.',
};
const PASSWORD_SCHEMA = { type: 'string', pattern: PASSWORD_PATTERN.source };

const isLoginLength = (v: unknown): boolean =>
  typeof v === 'string' && v.length >= 3 && v.length <= 128;
const isPassword = (v: unknown): boolean => typeof v === 'string' && PASSWORD_PATTERN.test(v);

/** Filters of `user/count` (docs/api/users.md). */
export class UserCountRequest {
  /** Exact login; ignored by the core when `loginPattern` is given. */
  @StringField()
  login?: string;

  /** SQL LIKE pattern, case-sensitive. */
  @StringField()
  loginPattern?: string;

  @IsOptional()
  @IsIn([...ROLES], invalid('must be 0 (admin) or 1 (client)'))
  role?: UserRole;

  /** 3 (the old DELETED) is refused (docs/api/README.md). */
  @IsOptional()
  @IsIn([...STATUSES], invalid(STATUS_TEXT))
  status?: UserStatus;
}

/**
 * `user/list` (docs/api/users.md): filters as `user/count`; `sortField` `id`|`login`
 * (case-insensitive) else 400 `Invalid request parameters`; paging and `sortOrder` as every entity
 * list.
 */
export class UserListRequest extends EntityPageRequest {
  @StringField()
  login?: string;

  @StringField()
  loginPattern?: string;

  @IsOptional()
  @IsIn([...ROLES], invalid('must be 0 (admin) or 1 (client)'))
  role?: UserRole;

  @IsOptional()
  @IsIn([...STATUSES], invalid(STATUS_TEXT))
  status?: UserStatus;

  @SortFieldOf(['id', 'login'])
  sortField?: 'id' | 'login';
}

/**
 * `user/get` (docs/api/users.md): `userId` absent or not an integer ⇒ 400 `User id is wrong or
 * empty`. Left to the core: 404 USER_NOT_FOUND (also for a CLIENT asking for another user).
 */
export class UserGetRequest {
  @EntityIdField('USER_ID_REQUIRED')
  userId!: number;
}

/**
 * The `user` object of `user/insert`, in the reference's check order: role, status, password,
 * login (entity-level, at persist).
 */
export class UserInsertBody {
  @Required('INVALID_USER_ROLE')
  @IsIn([...ROLES], failWith('INVALID_USER_ROLE'))
  role!: UserRole;

  @Default(0)
  @IsIn([...STATUSES], invalid(STATUS_TEXT))
  status: UserStatus = 0;

  @Schema(PASSWORD_SCHEMA)
  @Required('PASSWORD_VALIDATION_FAILED')
  @check('isPassword', isPassword, failWith('PASSWORD_VALIDATION_FAILED'))
  password!: string;

  /** Trimmed (docs/api/users.md). */
  @Schema(LOGIN_SCHEMA)
  @Trim
  @Required('LOGIN_LENGTH_INVALID')
  @check('isLoginLength', isLoginLength, failWith('LOGIN_LENGTH_INVALID'))
  @check(
    'isLoginGrammar',
    (v) => typeof v !== 'string' || LOGIN_PATTERN.test(v),
    failWith('LOGIN_PATTERN_INVALID', 2),
  )
  login!: string;

  @JsonObjectField()
  data?: Record<string, unknown> | null;

  @BoolField(false)
  introReviewed = false;

  @BoolField(true)
  allDeviceTypesAvailable = true;
}

/**
 * `user/insert` (docs/api/users.md): `user` absent ⇒ 400 `User is required`; role absent or not 0/1
 * ⇒ 400 `User role is invalid or empty`; status not 0..2 ⇒ 400 naming `user.status`; password ⇒ 400
 * `Password can contain only from 6 to 128 symbols!`; login ⇒ 400 LOGIN_LENGTH_INVALID /
 * LOGIN_PATTERN_INVALID; `data` ⇒ PARAMS_NOT_JSON. Left to the core: duplicate login (403
 * DUPLICATE_LOGIN), hashing. DOC's `oldPassword` is dropped.
 */
export class UserInsertRequest {
  @NestedField(() => UserInsertBody, 'USER_REQUIRED')
  user!: UserInsertBody;
}

/** The `user` object of `user/update` and `user/updateCurrent`: absent fields stay unchanged. */
export class UserUpdateBody {
  @IsOptional()
  @IsIn([...ROLES], failWith('INVALID_USER_ROLE'))
  role?: UserRole;

  @IsOptional()
  @IsIn([...STATUSES], invalid(STATUS_TEXT))
  status?: UserStatus;

  /** Applied only when non-empty (docs/api/users.md): an empty password becomes absent. */
  @Transform(({ value }) => (value === '' ? undefined : value), { toClassOnly: true })
  @Schema(PASSWORD_SCHEMA)
  @IsOptional()
  @check('isPassword', isPassword, failWith('PASSWORD_VALIDATION_FAILED'))
  password?: string;

  @Schema(LOGIN_SCHEMA)
  @Trim
  @IsOptional()
  @check('isLoginLength', isLoginLength, failWith('LOGIN_LENGTH_INVALID'))
  @check(
    'isLoginGrammar',
    (v) => typeof v !== 'string' || LOGIN_PATTERN.test(v),
    failWith('LOGIN_PATTERN_INVALID', 2),
  )
  login?: string;

  /** Always replaced by the core, null when omitted (docs/api/users.md `user/update`). */
  @JsonObjectField()
  data?: Record<string, unknown> | null;

  @BoolField()
  introReviewed?: boolean;

  @BoolField()
  allDeviceTypesAvailable?: boolean;
}

/**
 * `user/update` (docs/api/users.md): `user` absent ⇒ 400 `User is required`; `userId` absent or not
 * an integer ⇒ 400 `User id is wrong or empty`; field rules as insert. Left to the core: 404
 * USER_NOT_FOUND, duplicate login (403), CLIENT caller changing login/role/status (403
 * ADMIN_PERMISSIONS_REQUIRED).
 */
export class UserUpdateRequest {
  @NestedField(() => UserUpdateBody, 'USER_REQUIRED')
  user!: UserUpdateBody;

  @EntityIdField('USER_ID_REQUIRED')
  userId!: number;
}

/**
 * `user/delete` (docs/api/users.md): `userId` as for `user/get`. Left to the core: deleting
 * yourself (403 CANT_DELETE_CURRENT_USER_KEY), 404, removing the user's assignments.
 */
export class UserDeleteRequest {
  @EntityIdField('USER_ID_REQUIRED')
  userId!: number;
}

/**
 * `user/getCurrent` (docs/api/users.md): no fields (DOC's `userId` is ignored). Left to the core:
 * 409.
 */
export class UserGetCurrentRequest {}

/**
 * `user/updateCurrent` (docs/api/users.md): `user` absent ⇒ 400 `User is required`; field rules as
 * update. Left to the core: which fields a CLIENT may change (403), duplicate login.
 */
export class UserUpdateCurrentRequest {
  @NestedField(() => UserUpdateBody, 'USER_REQUIRED')
  user!: UserUpdateBody;
}
