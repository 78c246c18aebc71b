import { MAX_EVENT_NAME } from './command.dto';
import { EventPageRequest } from './list.dto';
import {
  check,
  DeviceIdField,
  failWith,
  IdListField,
  IntField,
  invalid,
  JsonObjectField,
  NestedField,
  Required,
  StringField,
  StringListField,
  TimestampField,
  toWireLong,
} from './field-decorators';
import { Schema } from './field-schema';
import { SortFieldOf } from './list-fields';
import { Transform } from 'class-transformer';

/** The `notification` object of `notification/insert` (docs/api/notifications.md). */
export class NotificationInsertBody {
  @Schema({ type: 'string', minLength: 1, maxLength: MAX_EVENT_NAME })
  @Required('NOTIFICATION_REQUIRED')
  @check('isName', (v) => typeof v === 'string' && v !== '', failWith('NOTIFICATION_REQUIRED'))
  @check(
    'maxLength',
    (v) => typeof v !== 'string' || v.length <= MAX_EVENT_NAME,
    invalid(`must be at most ${MAX_EVENT_NAME} characters long`, 3),
  )
  notification!: string;

  /** Defaults to the server time (core). */
  @TimestampField()
  timestamp?: Date;

  @JsonObjectField()
  parameters?: Record<string, unknown> | null;
}

/**
 * `notification/insert` (docs/api/notifications.md): `notification` absent, or its name
 * absent/empty ⇒ 400 `Notification is required`, checked BEFORE `deviceId` (⇒ 400 `Device id is
 * wrong or empty`); not an object ⇒ 400 `Malformed Json received.`; `parameters` ⇒ PARAMS_NOT_JSON.
 * Left to the core: 403, 404 DEVICE_NOT_FOUND, 403 DEVICE_IS_NOT_CONNECTED_TO_NETWORK, the push.
 */
export class NotificationInsertRequest {
  @NestedField(() => NotificationInsertBody, 'NOTIFICATION_REQUIRED')
  notification!: NotificationInsertBody;

  @DeviceIdField()
  deviceId!: string;
}

/**
 * `notification/get` (docs/api/notifications.md): `deviceId` ⇒ 400 `Device id is wrong or empty`;
 * `notificationId` absent ⇒ 400 `Notification id is wrong or empty`, not an integer (numeric
 * strings pass) ⇒ 400 `Notification id should be an integer value.`. Left to the core: 404
 * DEVICE_NOT_FOUND, 404 NOTIFICATION_NOT_FOUND (no device target check, docs/api/README.md).
 */
export class NotificationGetRequest {
  @DeviceIdField()
  deviceId!: string;

  @Schema({ type: 'integer' })
  @Transform(({ value }) => toWireLong(value), { toClassOnly: true })
  @Required('NOTIFICATION_ID_REQUIRED')
  @check('isInteger', (v) => Number.isSafeInteger(v), failWith('NOTIFICATION_ID_NOT_INTEGER'))
  notificationId!: number;
}

/**
 * `notification/list` (docs/api/notifications.md): as `command/list` with `notification` (name) and
 * `sortField` `timestamp`|`notification`. Left to the core: 404 DEVICE_NOT_FOUND.
 */
export class NotificationListRequest extends EventPageRequest {
  @DeviceIdField()
  deviceId!: string;

  @TimestampField()
  start?: Date;

  @TimestampField()
  end?: Date;

  /** Exact notification name. */
  @StringField()
  notification?: string;

  @SortFieldOf(['timestamp', 'notification'])
  sortField?: 'timestamp' | 'notification';
}

/**
 * `notification/subscribe` (docs/api/subscriptions.md): as `command/subscribe` without `limit`
 * (replay fixed at 100) and `returnUpdatedCommands`. Left to the core: as command/subscribe.
 */
export class NotificationSubscribeRequest {
  @DeviceIdField(false)
  deviceId?: string;

  @IdListField()
  networkIds?: number[];

  @IdListField()
  deviceTypeIds?: number[];

  @StringListField()
  names?: string[];

  @TimestampField()
  timestamp?: Date;
}

/**
 * `notification/unsubscribe` (docs/api/subscriptions.md): `subscriptionId` optional integer. Left
 * to the broker: 404 SUBSCRIPTION_NOT_FOUND.
 */
export class NotificationUnsubscribeRequest {
  @IntField()
  subscriptionId?: number;
}
