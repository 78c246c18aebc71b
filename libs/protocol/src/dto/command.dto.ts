import { EventPageRequest } from './list.dto';
import {
  BoolField,
  check,
  DeviceIdField,
  EntityIdField,
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
} from './field-decorators';
import { Schema } from './field-schema';
import { SortFieldOf } from './list-fields';

/**
 * Longest command or notification name; names also become MQTT topic levels
 * (docs/topics/README.md).
 */
export const MAX_EVENT_NAME = 128;
/** Default replay limit of `command/subscribe` (docs/api/subscriptions.md). */
export const DEFAULT_REPLAY_LIMIT = 20;

/**
 * `command/get` (docs/api/commands.md): `deviceId` ⇒ 400 `Device id is wrong or empty`, then
 * `commandId` absent or not an integer ⇒ 400 `Command id is wrong or empty`. Left to the core: 403
 * (restricted token), 404 DEVICE_NOT_FOUND, 404 COMMAND_NOT_FOUND.
 */
export class CommandGetRequest {
  @DeviceIdField()
  deviceId!: string;

  @EntityIdField('COMMAND_ID_REQUIRED')
  commandId!: number;
}

/**
 * `command/list` (docs/api/commands.md): `deviceId` required; `start`/`end` timestamps (inclusive)
 * else 400 `Unparseable timestamp`; `sortField` `timestamp`|`command`|`status` (case-insensitive)
 * else 400 `Invalid request parameters`; with a sortField the order defaults to DESC. Left to the
 * core: 403/404 as command/get, the case-insensitive `status` match.
 */
export class CommandListRequest extends EventPageRequest {
  @DeviceIdField()
  deviceId!: string;

  @TimestampField()
  start?: Date;

  @TimestampField()
  end?: Date;

  /** Exact command name. */
  @StringField()
  command?: string;

  @StringField()
  status?: string;

  @SortFieldOf(['timestamp', 'command', 'status'])
  sortField?: 'timestamp' | 'command' | 'status';
}

/** The `command` object of `command/insert` (docs/api/commands.md). */
export class CommandInsertBody {
  /**
   * The name; the reference does not check it, absence is refused here (docs/api/commands.md
   * recommendation).
   */
  @Schema({ type: 'string', minLength: 1, maxLength: MAX_EVENT_NAME })
  @Required('EMPTY_COMMAND')
  @check('isName', (v) => typeof v === 'string' && v !== '', failWith('EMPTY_COMMAND'))
  @check(
    'maxLength',
    (v) => typeof v !== 'string' || v.length <= MAX_EVENT_NAME,
    invalid(`must be at most ${MAX_EVENT_NAME} characters long`, 3),
  )
  command!: string;

  /** Defaults to the server time (core). */
  @TimestampField()
  timestamp?: Date;

  @JsonObjectField()
  parameters?: Record<string, unknown> | null;

  /** Seconds; stored, never enforced (docs/api/commands.md). */
  @IntField()
  lifetime?: number | null;

  @StringField()
  status?: string | null;

  @JsonObjectField()
  result?: Record<string, unknown> | null;
}

/**
 * `command/insert` (docs/api/commands.md): `deviceId` ⇒ 400 `Device id is wrong or empty`;
 * `command` absent, or its name absent/empty ⇒ 400 `Command is required`; not an object ⇒ 400
 * `Malformed Json received.`; `parameters`/`result` ⇒ PARAMS_NOT_JSON. Left to the core: 403, 404
 * DEVICE_NOT_FOUND, ids, copying network/device type, the push.
 */
export class CommandInsertRequest {
  @DeviceIdField()
  deviceId!: string;

  @NestedField(() => CommandInsertBody, 'EMPTY_COMMAND')
  command!: CommandInsertBody;
}

/**
 * The `command` object of `command/update`: only `status` and `result` are applied
 * (docs/api/commands.md).
 */
export class CommandUpdateBody {
  @StringField()
  status?: string | null;

  @JsonObjectField()
  result?: Record<string, unknown> | null;
}

/**
 * `command/update` (docs/api/commands.md), in the reference's order: `commandId` ⇒ 400 `Command id
 * is wrong or empty`, `deviceId` ⇒ 400 `Device id is wrong or empty`, `command` absent ⇒ 400
 * `Command is required` (recommended where the reference sends no reply). Other command fields are
 * ignored. Left to the core: 403, 404 DEVICE_NOT_FOUND, 404 COMMAND_NOT_FOUND, the update push.
 */
export class CommandUpdateRequest {
  @EntityIdField('COMMAND_ID_REQUIRED')
  commandId!: number;

  @DeviceIdField()
  deviceId!: string;

  @NestedField(() => CommandUpdateBody, 'EMPTY_COMMAND')
  command!: CommandUpdateBody;
}

/**
 * `command/subscribe` (docs/api/subscriptions.md): `deviceId` empty ⇒ 400 `Device id is wrong or
 * empty`; `networkIds`/`deviceTypeIds` not integer lists ⇒ 400 `Malformed Json received.`; `names`
 * not a string list, `limit` negative ⇒ 400 naming the field; `timestamp` ⇒ `Unparseable
 * timestamp`. Left to the core: network/device-type existence and access (403 / 404
 * NETWORKS_NOT_FOUND, DEVICE_TYPES_NOT_FOUND), device existence (403 / 404), 403
 * NO_ACCESS_TO_DEVICE_TYPES_OR_NETWORKS, filter expansion (docs/api/subscriptions.md), replay.
 */
export class CommandSubscribeRequest {
  @DeviceIdField(false)
  deviceId?: string;

  @IdListField()
  networkIds?: number[];

  @IdListField()
  deviceTypeIds?: number[];

  @StringListField()
  names?: string[];

  /** Replay commands with a timestamp ≥ this one after the reply. */
  @TimestampField()
  timestamp?: Date;

  /**
   * Deliver `command/update` pushes (updated commands) instead of `command/insert`
   * (docs/api/commands.md).
   */
  @BoolField(false)
  returnUpdatedCommands = false;

  /** Maximum replayed commands. */
  @IntField({ min: 0, defaultValue: DEFAULT_REPLAY_LIMIT })
  limit: number = DEFAULT_REPLAY_LIMIT;
}

/**
 * `command/unsubscribe` (docs/api/subscriptions.md): `subscriptionId` optional integer (absent =
 * all command subscriptions of the session). Left to the broker: 404 SUBSCRIPTION_NOT_FOUND.
 */
export class CommandUnsubscribeRequest {
  @IntField()
  subscriptionId?: number;
}
