import { Transform } from 'class-transformer';
import { check, failWith, Required, StringField } from './field-decorators';
import { Schema } from './field-schema';

/** Longest configuration name and value (docs/api/configuration.md). */
export const MAX_CONFIGURATION_NAME = 32;
export const MAX_CONFIGURATION_VALUE = 128;

const isName = (v: unknown): boolean => typeof v === 'string' && v !== '';

/**
 * `configuration/get` (docs/api/configuration.md): `name` absent, empty or not a string ⇒ 400
 * `Configuration name is wrong or empty`. Left to the core: not found (404 CONFIG_NOT_FOUND).
 */
export class ConfigurationGetRequest {
  @Schema({ type: 'string', minLength: 1 })
  @Required('CONFIGURATION_NAME_REQUIRED')
  @check('isName', isName, failWith('CONFIGURATION_NAME_REQUIRED'))
  name!: string;
}

/**
 * `configuration/put` (docs/api/configuration.md): name as for get, longer than 32 ⇒ 400 `Name
 * cannot be empty. The name's length should not be more than 32 symbols.`; `value` absent ⇒ 400
 * `value field cannot be null.`; empty or longer than 128 ⇒ 400 `Field cannot be empty. The length
 * of value should not be more than 128 symbols.`. Non-string values are stringified
 * (docs/api/configuration.md). Left to the core: nothing but the upsert (optimistic-lock conflicts,
 * 409).
 */
export class ConfigurationPutRequest {
  @Schema({ type: 'string', minLength: 1, maxLength: MAX_CONFIGURATION_NAME })
  @Required('CONFIGURATION_NAME_REQUIRED')
  @check('isName', isName, failWith('CONFIGURATION_NAME_REQUIRED'))
  @check(
    'maxLength',
    (v) => typeof v !== 'string' || v.length <= MAX_CONFIGURATION_NAME,
    failWith('CONFIGURATION_NAME_TOO_LONG', 2),
  )
  name!: string;

  @Transform(
    ({ value }) => (value == null || typeof value === 'string' ? value : JSON.stringify(value)),
    {
      toClassOnly: true,
    },
  )
  @StringField({
    required: 'CONFIGURATION_VALUE_REQUIRED',
    code: 'CONFIGURATION_VALUE_LENGTH',
    min: 1,
    max: MAX_CONFIGURATION_VALUE,
  })
  value!: string;
}

/**
 * `configuration/delete` (docs/api/configuration.md): `name` as for get. Left to the core: not
 * found (404 CONFIG_NOT_FOUND).
 */
export class ConfigurationDeleteRequest {
  @Schema({ type: 'string', minLength: 1 })
  @Required('CONFIGURATION_NAME_REQUIRED')
  @check('isName', isName, failWith('CONFIGURATION_NAME_REQUIRED'))
  name!: string;
}
