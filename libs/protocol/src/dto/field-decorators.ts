import { Exclude, Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsObject,
  IsOptional,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import type { ErrorCode } from '../errors/error-catalog';
import { parseTimestamp } from '../replies/timestamp';
import {
  registerNestedField,
  registerRawField,
  type DtoClass,
  type RawConverter,
} from './dto-schema';
import { Schema, type JsonSchema } from './field-schema';

/**
 * Field decorators shared by the DTOs. Each failed constraint carries a `FailureContext` that
 * `validation-errors.ts` turns into the reply: a catalogue error (exact reference text) or a
 * generic 400 naming the field (docs/topics/request.md).
 */

/** Read by validation-errors.ts. */
export interface FailureContext {
  /** Catalogue error to reply with; absent = `Validation failed: <field> <message>`. */
  code?: ErrorCode;
  /** The rejected value fills the text's `%s`. */
  withValue?: boolean;
  /** Among the failed constraints of one field the lowest rank wins (missing = 0). */
  rank: number;
}

/** JSON-object fields nested deeper than this are refused (storage and push serialization). */
export const MAX_JSON_DEPTH = 64;

export function failWith(code: ErrorCode, rank = 1, withValue = false): ValidationOptions {
  const context: FailureContext = { code, rank, withValue };
  // class-validator maps a context only onto a constraint with a non-empty message.
  return { message: code, context };
}

/** A generic failure; `message` completes `Validation failed: <field> …`. */
export function invalid(message: string, rank = 2): ValidationOptions {
  const context: FailureContext = { rank };
  return { message, context };
}

export function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** A custom constraint: `test` must hold, else the failure described by `options`. */
export function check(
  name: string,
  test: (value: unknown) => boolean,
  options: ValidationOptions,
): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: (value: unknown) => test(value) } }, options);
}

/** Absent or null fails with `code` (rank 0: reported before any other failure of the field). */
export function Required(code: ErrorCode): PropertyDecorator {
  return IsDefined(failWith(code, 0));
}

const presence = (required?: ErrorCode): PropertyDecorator =>
  required ? Required(required) : IsOptional();

/** Absent or null takes `value`. */
export function Default(value: unknown): PropertyDecorator {
  return compose(
    Transform(({ value: given }) => given ?? value, { toClassOnly: true }),
    Schema({ default: value }),
  );
}

/**
 * A 64-bit id the reference parses with Gson: a JSON integer or a numeric string
 * (docs/api/README.md). Returns anything else unchanged, for the validator to reject.
 */
export function toWireLong(value: unknown): unknown {
  if (typeof value === 'string' && /^[+-]?\d{1,16}$/.test(value)) return Number(value);
  return value;
}

export const isWireLong = (value: unknown): value is number => Number.isSafeInteger(value);

/** `toWireLong` on every element of an array; anything else unchanged. */
export const toWireLongs = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(toWireLong) : value;

/**
 * A field class-transformer must not walk (free JSON objects, lists): copied verbatim, or through
 * `convert`, by `validateRequest` (see dto-schema.ts).
 */
export function RawField(convert?: RawConverter): PropertyDecorator {
  return compose(
    (target, key) => registerRawField(target, String(key), convert),
    Exclude({ toClassOnly: true }),
  );
}

/** An integer id; a numeric string such as `"5"` is read as the number (docs/api/README.md). */
const WIRE_ID_SCHEMA: JsonSchema = {
  type: 'integer',
  description: 'An integer id; a numeric string such as "5" is accepted.',
};

const toLong = Transform(({ value }) => toWireLong(value), { toClassOnly: true });

interface StringOptions {
  /** Catalogue error for absent/null, or true for the generic text; omitted = optional. */
  required?: ErrorCode | true;
  /** Catalogue error for a wrong value; omitted = generic text. */
  code?: ErrorCode;
  min?: number;
  max?: number;
}

function describeString(min: number, max?: number): string {
  if (max != null) {
    return min > 0
      ? `must be a string of ${min} to ${max} characters`
      : `must be a string of at most ${max} characters`;
  }
  return min > 0 ? 'must be a non-empty string' : 'must be a string';
}

/** A string field, optionally with a length range. */
export function StringField({
  required,
  code,
  min = 0,
  max,
}: StringOptions = {}): PropertyDecorator {
  const ok = (v: unknown): boolean =>
    typeof v === 'string' && v.length >= min && (max == null || v.length <= max);
  const failure = code ? failWith(code) : invalid(describeString(min, max));
  const present =
    required === true
      ? IsDefined({ ...failure, context: { ...failure.context, rank: 0 } })
      : presence(required);
  const schema: JsonSchema = { type: 'string' };
  if (min > 0) schema['minLength'] = min;
  if (max != null) schema['maxLength'] = max;
  return compose(present, check('isText', ok, failure), Schema(schema));
}

/**
 * `networkId`/`deviceTypeId`: a wrong kind is a parse failure, 400 `Malformed Json received.`
 * (docs/api/README.md), also inside nested objects such as `device/save`'s `device`.
 */
export function WireIdField(required?: ErrorCode): PropertyDecorator {
  return compose(
    Schema(WIRE_ID_SCHEMA),
    toLong,
    presence(required),
    check('isWireLong', isWireLong, failWith('DH_ERR_MALFORMED_JSON')),
  );
}

/** A required integer id (`userId`, `commandId`) whose absence and wrong kind share one text. */
export function EntityIdField(code: ErrorCode): PropertyDecorator {
  return compose(
    Schema(WIRE_ID_SCHEMA),
    toLong,
    Required(code),
    check('isWireLong', isWireLong, failWith(code)),
  );
}

/**
 * An integer ≥ `min` (numeric strings accepted as for ids); absent or null takes `defaultValue`
 * when one is given.
 */
export function IntField(
  options: { required?: boolean; min?: number; defaultValue?: number } = {},
): PropertyDecorator {
  const { required = false, min, defaultValue } = options;
  const message = min === 0 ? 'must be a non-negative integer' : 'must be an integer';
  const ok = (v: unknown): boolean => isWireLong(v) && (min == null || v >= min);
  const schema: JsonSchema = { type: 'integer' };
  if (min != null) schema['minimum'] = min;
  if (defaultValue != null) schema['default'] = defaultValue;
  return compose(
    Schema(schema),
    Transform(({ value }) => toWireLong(value ?? defaultValue), { toClassOnly: true }),
    required ? IsDefined(invalid(message, 0)) : IsOptional(),
    check('isInteger', ok, invalid(message)),
  );
}

/** A boolean; absent or null takes `defaultValue` when one is given. */
export function BoolField(defaultValue?: boolean): PropertyDecorator {
  return compose(
    Schema({ type: 'boolean' }),
    ...(defaultValue == null ? [IsOptional()] : [Default(defaultValue)]),
    check('isBoolean', (v) => typeof v === 'boolean', invalid('must be a boolean')),
  );
}

/**
 * True when no object or array in `root` sits deeper than `max` levels (`root` itself is level 1;
 * a primitive is always within). Runs on every request and insert, so it allocates nothing: a
 * recursive walk that stops at level `max + 1`, which bounds the recursion whatever the input's
 * nesting (a 10,000-deep payload costs `max` frames, not 10,000).
 */
export function jsonDepthWithin(root: unknown, max: number): boolean {
  return depthWithin(root, 1, max);
}

function depthWithin(value: unknown, depth: number, max: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (depth > max) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      if (!depthWithin(value[i], depth + 1, max)) return false;
    }
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!depthWithin((value as Record<string, unknown>)[key], depth + 1, max)) return false;
  }
  return true;
}

/**
 * `data`, `parameters`, `result`: a JSON object or null, kept verbatim (docs/api/README.md);
 * anything else is 400 `'parameters' must be JSON Object!` whatever the field's name.
 */
export function JsonObjectField(): PropertyDecorator {
  const isJsonObject = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  return compose(
    Schema({
      type: ['object', 'null'],
      description: `Any JSON object, nested at most ${MAX_JSON_DEPTH} levels; kept verbatim.`,
    }),
    RawField(),
    IsOptional(),
    check('isJsonObject', isJsonObject, failWith('PARAMS_NOT_JSON')),
    check(
      'jsonDepth',
      (v) => jsonDepthWithin(v, MAX_JSON_DEPTH),
      invalid(`must not be nested deeper than ${MAX_JSON_DEPTH} levels`),
    ),
  );
}

/** What a timestamp field accepts (docs/api/README.md, "JSON conventions"). */
const TIMESTAMP_SCHEMA: JsonSchema = {
  type: ['string', 'integer'],
  description:
    'ISO 8601 with or without zone, offset or milliseconds (no zone = UTC), a date alone, an RFC 1123 date, or epoch milliseconds as a number or numeric string.',
  examples: ['2026-01-01T10:00:00Z', 1767261600000],
};

/** `timestamp`, `start`, `end`, `expiration`: parsed leniently into a Date (docs/api/README.md). */
export function TimestampField(): PropertyDecorator {
  return compose(
    Schema(TIMESTAMP_SCHEMA),
    Transform(({ value }) => (value == null ? value : (parseTimestamp(value) ?? new Date(NaN))), {
      toClassOnly: true,
    }),
    IsOptional(),
    check(
      'isTimestamp',
      (v) => v instanceof Date && !Number.isNaN(v.getTime()),
      failWith('UNPARSEABLE_TIMESTAMP'),
    ),
  );
}

/**
 * A wrapper object (`device`, `network`, `user`, `command`, ...): absent or null fails with
 * `required`; a non-object is a parse failure (`Malformed Json received.`), as in the reference,
 * which deserializes it with Gson.
 */
export function NestedField(type: () => DtoClass, required?: ErrorCode): PropertyDecorator {
  const malformed = failWith('DH_ERR_MALFORMED_JSON');
  return compose(
    (target, key) => registerNestedField(target, String(key), type),
    presence(required),
    IsObject(malformed),
    ValidateNested(malformed),
    Type(type),
  );
}

/**
 * `networkIds`/`deviceTypeIds` of a subscribe request: integers or numeric strings; anything
 * else is a Gson parse failure (`Malformed Json received.`).
 */
export function IdListField(): PropertyDecorator {
  const ok = (v: unknown): boolean => Array.isArray(v) && v.every(isWireLong);
  return compose(
    Schema({ type: 'array', items: WIRE_ID_SCHEMA }),
    RawField(toWireLongs),
    IsOptional(),
    check('isIdList', ok, failWith('DH_ERR_MALFORMED_JSON')),
  );
}

/** An array of strings (`names`). */
export function StringListField(): PropertyDecorator {
  const ok = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
  return compose(
    Schema({ type: 'array', items: { type: 'string' } }),
    RawField(),
    IsOptional(),
    check('isStringList', ok, invalid('must be an array of strings')),
  );
}

/** A field that must be absent or null (`id` of `network/insert`, `devicetype/insert`). */
export function Forbidden(code: ErrorCode): PropertyDecorator {
  return compose(
    Schema({ type: 'null', description: 'Must be absent or null.' }),
    check('isAbsent', (v) => v == null, failWith(code, 0)),
  );
}

/** Trims strings (user login, docs/api/users.md). */
export const Trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value), {
  toClassOnly: true,
});

/**
 * `deviceId` of a request: absent (when required) or empty ⇒ 400 `Device id is wrong or empty`.
 * A non-string never gets here: `validateRequest` refuses it as malformed first
 * (docs/api/README.md).
 */
export function DeviceIdField(required = true): PropertyDecorator {
  const ok = (v: unknown): boolean => typeof v === 'string' && v !== '';
  return compose(
    Schema({ type: 'string', minLength: 1 }),
    presence(required ? 'DEVICE_ID_REQUIRED' : undefined),
    check('isDeviceId', ok, failWith('DEVICE_ID_REQUIRED')),
  );
}
