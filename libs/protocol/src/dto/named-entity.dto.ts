import { Forbidden, StringField } from './field-decorators';

/**
 * Name and description lengths of networks and device types (docs/api/networks.md,
 * docs/api/device-types.md).
 */
export const MAX_ENTITY_NAME = 128;
export const MAX_ENTITY_DESCRIPTION = 128;

/**
 * The object of `network/insert` and `devicetype/insert` (docs/api/device-types.md: device types
 * have the network's shape and rules). `id` must be absent or null: 400 `Invalid request
 * parameters. Id cannot be specified.`
 */
export class NamedEntityInsertBody {
  @Forbidden('ID_NOT_ALLOWED')
  id?: null;

  @StringField({ required: true, min: 1, max: MAX_ENTITY_NAME })
  name!: string;

  @StringField({ max: MAX_ENTITY_DESCRIPTION })
  description?: string | null;
}

/** The object of `network/update` and `devicetype/update`: only present fields change. */
export class NamedEntityUpdateBody {
  @StringField({ min: 1, max: MAX_ENTITY_NAME })
  name?: string;

  @StringField({ max: MAX_ENTITY_DESCRIPTION })
  description?: string | null;
}
