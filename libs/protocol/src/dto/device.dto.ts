import { EntityPageRequest } from './list.dto';
import {
  BoolField,
  check,
  DeviceIdField,
  failWith,
  invalid,
  JsonObjectField,
  NestedField,
  StringField,
  WireIdField,
} from './field-decorators';
import { Schema } from './field-schema';
import { SortFieldOf } from './list-fields';

/** Device id grammar and length (docs/api/devices.md). */
export const DEVICE_ID_PATTERN = /^[a-zA-Z0-9-]+$/;
export const MAX_DEVICE_ID = 48;
export const MAX_NAME = 128;

/**
 * `device/get` (docs/api/devices.md): `deviceId` absent or empty ⇒ 400 `Device id is wrong or
 * empty`. Left to the core: 403 `Access is denied` (restricted token), 404 DEVICE_NOT_FOUND.
 */
export class DeviceGetRequest {
  @DeviceIdField()
  deviceId!: string;
}

/** Filters shared by `device/list` and `device/count` (docs/api/devices.md). */
export class DeviceCountRequest {
  /** Exact name. */
  @StringField()
  name?: string;

  /** SQL LIKE pattern (`%`, `_`), case-sensitive. */
  @StringField()
  namePattern?: string;

  @WireIdField()
  networkId?: number;

  /** Exact network name. */
  @StringField()
  networkName?: string;
}

/**
 * `device/list` (docs/api/devices.md): filters as `device/count`; `sortField` `name`|`network`
 * (case-insensitive; DOC's `status` is refused: devices have no status since V3_0_1) else 400
 * `Invalid request parameters`; paging and `sortOrder` as every entity list.
 * Left to the core: visibility (docs/api/README.md), and the order without sortField (id
 * ascending).
 */
export class DeviceListRequest extends EntityPageRequest {
  @StringField()
  name?: string;

  @StringField()
  namePattern?: string;

  @WireIdField()
  networkId?: number;

  @StringField()
  networkName?: string;

  @SortFieldOf(['name', 'network'])
  sortField?: 'name' | 'network';
}

/** The `device` object of `device/save` (docs/api/devices.md); every field optional (upsert). */
export class DeviceSaveBody {
  /**
   * Required on create: the core replies 400 `name field cannot be null.` (DEVICE_NAME_REQUIRED).
   */
  @StringField({ min: 1, max: MAX_NAME })
  name?: string;

  /** Always replaced on update (null when omitted, docs/api/devices.md). */
  @JsonObjectField()
  data?: Record<string, unknown> | null;

  @WireIdField()
  networkId?: number;

  @WireIdField()
  deviceTypeId?: number;

  @BoolField()
  isBlocked?: boolean;
}

/**
 * `device/save` (docs/api/devices.md): `deviceId` absent or empty ⇒ 400 `Device id is wrong or
 * empty`; other than `[a-zA-Z0-9-]` ⇒ 400 `Device Id can only contain letters, digits and dashes.`;
 * longer than 48 ⇒ 400 naming `deviceId`; `device` absent ⇒ 400 `Device is empty` (recommended over
 * the reference's 500), not an object ⇒ 400 `Malformed Json received.`.
 * Left to the core: name missing on create (DEVICE_NAME_REQUIRED), network/device-type existence
 * (400 `Invalid request parameters`) and access (403 `No access to network!`, `No access to device
 * type!`, `No access to device`), defaults, the `$device-add`/`$device-update` notification.
 */
export class DeviceSaveRequest {
  @Schema({ pattern: DEVICE_ID_PATTERN.source, maxLength: MAX_DEVICE_ID })
  @DeviceIdField()
  @check(
    'isDeviceIdGrammar',
    (v) => typeof v !== 'string' || v === '' || DEVICE_ID_PATTERN.test(v),
    failWith('DEVICE_ID_CONTAINS_INVALID_CHARACTERS', 2),
  )
  @check(
    'maxLength',
    (v) => typeof v !== 'string' || v.length <= MAX_DEVICE_ID,
    invalid(`must be at most ${MAX_DEVICE_ID} characters long`, 3),
  )
  deviceId!: string;

  @NestedField(() => DeviceSaveBody, 'DEVICE_REQUIRED')
  device!: DeviceSaveBody;
}

/**
 * `device/delete` (docs/api/devices.md): `deviceId` as for `device/get`. Left to the core: 403 /
 * 404 as `device/get`, dropping the device's subscriptions.
 */
export class DeviceDeleteRequest {
  @DeviceIdField()
  deviceId!: string;
}
