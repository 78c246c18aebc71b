import { EntityPageRequest } from './list.dto';
import {
  MAX_ENTITY_DESCRIPTION,
  MAX_ENTITY_NAME,
  NamedEntityInsertBody,
  NamedEntityUpdateBody,
} from './named-entity.dto';
import { BoolField, NestedField, StringField, WireIdField } from './field-decorators';
import { SortFieldOf } from './list-fields';

/** Network name and description lengths (docs/api/networks.md). */
export const MAX_NETWORK_NAME = MAX_ENTITY_NAME;
export const MAX_NETWORK_DESCRIPTION = MAX_ENTITY_DESCRIPTION;

/**
 * Filters of `network/count` (docs/api/networks.md). Left to the core: visibility
 * (docs/api/README.md).
 */
export class NetworkCountRequest {
  /** Exact name. */
  @StringField()
  name?: string;

  /** SQL LIKE pattern, case-sensitive. */
  @StringField()
  namePattern?: string;
}

/**
 * `network/list` (docs/api/networks.md): `sortField` `id`|`name` (case-insensitive) else 400
 * `Invalid request parameters`; paging and `sortOrder` as every entity list. Left to the core:
 * visibility (`[]` without network access).
 */
export class NetworkListRequest extends EntityPageRequest {
  @StringField()
  name?: string;

  @StringField()
  namePattern?: string;

  @SortFieldOf(['id', 'name'])
  sortField?: 'id' | 'name';
}

/**
 * `network/get` (docs/api/networks.md): `networkId` absent ⇒ 400 `Network id is wrong or empty`;
 * wrong kind ⇒ 400 `Malformed Json received.` (docs/api/README.md). Left to the core: 403 (token
 * scope), 404 NETWORK_NOT_FOUND.
 */
export class NetworkGetRequest {
  @WireIdField('NETWORK_ID_REQUIRED')
  networkId!: number;
}

/** The `network` object of `network/insert`. */
export class NetworkInsertBody extends NamedEntityInsertBody {}

/**
 * `network/insert` (docs/api/networks.md): `network` absent ⇒ 400 `Network is required`;
 * `network.id` given ⇒ 400 ID_NOT_ALLOWED; name absent, empty or over 128, description over 128 ⇒
 * 400 naming the field. Left to the core: duplicate name (403 DUPLICATE_NETWORK).
 */
export class NetworkInsertRequest {
  @NestedField(() => NetworkInsertBody, 'NETWORK_REQUIRED')
  network!: NetworkInsertBody;
}

/** The `network` object of `network/update`: only present fields change. */
export class NetworkUpdateBody extends NamedEntityUpdateBody {}

/**
 * `network/update` (docs/api/networks.md): `networkId` as for `network/get`; `network` absent ⇒ 400
 * `Network is required`; field rules as insert. Left to the core: 403 (token scope), 404
 * NETWORK_NOT_FOUND, duplicate name (409).
 */
export class NetworkUpdateRequest {
  @WireIdField('NETWORK_ID_REQUIRED')
  networkId!: number;

  @NestedField(() => NetworkUpdateBody, 'NETWORK_REQUIRED')
  network!: NetworkUpdateBody;
}

/**
 * `network/delete` (docs/api/networks.md): `networkId` as for `network/get` (400 recommended over
 * the reference's 500); `force` boolean, default false. Left to the core: 404, 400
 * NETWORK_DELETION_NOT_ALLOWED when devices remain and not forced, the cascade.
 */
export class NetworkDeleteRequest {
  @WireIdField('NETWORK_ID_REQUIRED')
  networkId!: number;

  @BoolField(false)
  force = false;
}
