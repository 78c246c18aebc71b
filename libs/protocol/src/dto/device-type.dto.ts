import { EntityPageRequest } from './list.dto';
import {
  MAX_ENTITY_DESCRIPTION,
  MAX_ENTITY_NAME,
  NamedEntityInsertBody,
  NamedEntityUpdateBody,
} from './named-entity.dto';
import { BoolField, NestedField, StringField, WireIdField } from './field-decorators';
import { SortFieldOf } from './list-fields';

/** Device type name and description lengths (docs/api/device-types.md). */
export const MAX_DEVICE_TYPE_NAME = MAX_ENTITY_NAME;
export const MAX_DEVICE_TYPE_DESCRIPTION = MAX_ENTITY_DESCRIPTION;

/**
 * Filters of `devicetype/count` (docs/api/device-types.md). Left to the core: visibility
 * (docs/api/README.md).
 */
export class DeviceTypeCountRequest {
  /** Exact name. */
  @StringField()
  name?: string;

  /** SQL LIKE pattern, case-sensitive. */
  @StringField()
  namePattern?: string;
}

/**
 * `devicetype/list` (docs/api/device-types.md): `sortField` `id`|`name` (case-insensitive) else 400
 * `Invalid request parameters`; paging and `sortOrder` as every entity list. Left to the core:
 * visibility (`[]` without device-type access).
 */
export class DeviceTypeListRequest extends EntityPageRequest {
  @StringField()
  name?: string;

  @StringField()
  namePattern?: string;

  @SortFieldOf(['id', 'name'])
  sortField?: 'id' | 'name';
}

/**
 * `devicetype/get` (docs/api/device-types.md): `deviceTypeId` absent ⇒ 400 `Device type id is wrong
 * or empty`; wrong kind ⇒ 400 `Malformed Json received.` (docs/api/README.md). Left to the core:
 * 403 (token scope), 404 DEVICE_TYPE_NOT_FOUND.
 */
export class DeviceTypeGetRequest {
  @WireIdField('DEVICE_TYPE_ID_REQUIRED')
  deviceTypeId!: number;
}

/** The `deviceType` object of `devicetype/insert`. */
export class DeviceTypeInsertBody extends NamedEntityInsertBody {}

/**
 * `devicetype/insert` (docs/api/device-types.md): `deviceType` absent ⇒ 400 `Device type is
 * required`; `deviceType.id` given ⇒ 400 ID_NOT_ALLOWED; name absent, empty or over 128,
 * description over 128 ⇒ 400 naming the field. Left to the core: duplicate name (403
 * DUPLICATE_DEVICE_TYPE).
 */
export class DeviceTypeInsertRequest {
  @NestedField(() => DeviceTypeInsertBody, 'DEVICE_TYPE_REQUIRED')
  deviceType!: DeviceTypeInsertBody;
}

/** The `deviceType` object of `devicetype/update`: only present fields change. */
export class DeviceTypeUpdateBody extends NamedEntityUpdateBody {}

/**
 * `devicetype/update` (docs/api/device-types.md): `deviceTypeId` as for `devicetype/get`;
 * `deviceType` absent ⇒ 400 `Device type is required` (recommended over the reference's 500); field
 * rules as insert. Left to the core: 403 (token scope), 404 DEVICE_TYPE_NOT_FOUND, duplicate name
 * (409).
 */
export class DeviceTypeUpdateRequest {
  @WireIdField('DEVICE_TYPE_ID_REQUIRED')
  deviceTypeId!: number;

  @NestedField(() => DeviceTypeUpdateBody, 'DEVICE_TYPE_REQUIRED')
  deviceType!: DeviceTypeUpdateBody;
}

/**
 * `devicetype/delete` (docs/api/device-types.md): `deviceTypeId` as for `devicetype/get` (400
 * recommended over the reference's 500); `force` boolean, default false. Left to the core: 404, 400
 * DEVICE_TYPE_DELETION_NOT_ALLOWED when devices remain and not forced, the cascade.
 */
export class DeviceTypeDeleteRequest {
  @WireIdField('DEVICE_TYPE_ID_REQUIRED')
  deviceTypeId!: number;

  @BoolField(false)
  force = false;
}
