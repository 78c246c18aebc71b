import {
  DhError,
  inScope,
  type ErrorCode,
  type IdScope,
  type JsonObject,
  type Principal,
} from '@dh-mqtt/protocol';
import { isEmptyScope, requirePrincipal, visibleDeviceScopes } from '../core/access';
import type { ActionContext, ActionImpl, ActionOutcome } from '../core/action';
import {
  idText,
  isJsonObject,
  isStorableId,
  optionalString,
  parseId,
  readListQuery,
} from '../core/request-fields';
import { listAllDevices, type DeviceQuery } from '../repositories/device.repository';
import type {
  NamedEntityRecord,
  NamedEntityRepository,
  NamedEntitySortField,
} from '../repositories/named-entity.repository';
import { sqlState, UNIQUE_VIOLATION, type NameFilter } from '../repositories/query-builder';

/**
 * What differs between `network/*` and `devicetype/*` (docs/api/device-types.md,
 * docs/api/networks.md): field names, error codes, and which ids the principal may see.
 */
export interface NamedEntityActionConfig {
  repository: NamedEntityRepository;
  /** Request field of the id: `networkId` / `deviceTypeId`. */
  idField: 'networkId' | 'deviceTypeId';
  /** Request and reply field of one entity: `network` / `deviceType`. */
  objectField: 'network' | 'deviceType';
  /** Reply field of `*\/list`: `networks` / `deviceTypes`. */
  listField: 'networks' | 'deviceTypes';
  /** Ids the principal may see (docs/api/README.md). */
  visibleIds(principal: Principal): IdScope;
  /** Whether `*\/count` applies visibility (see devicetype/count, docs/api/device-types.md). */
  countVisibleOnly: boolean;
  /**
   * Whether the non-forced delete guard counts only the devices the caller may see
   * (docs/api/networks.md).
   */
  guardVisibleDevicesOnly: boolean;
  errors: {
    idRequired: ErrorCode;
    required: ErrorCode;
    notFound: ErrorCode;
    duplicate: ErrorCode;
    deletionNotAllowed: ErrorCode;
  };
}

const SORT_FIELDS: Readonly<Record<string, NamedEntitySortField>> = { id: 'id', name: 'name' };
const MAX_LENGTH = 128;

// Entity-level validation texts of the reference (docs/api/networks.md).
const NAME_NULL = 'name field cannot be null.';
const NAME_LENGTH = 'Field cannot be empty. The length of name should be from 1 to 128 symbols.';
const DESCRIPTION_LENGTH = 'The length of description should not be more than 128 symbols.';

function readNameFilter(request: JsonObject): NameFilter {
  const filter: NameFilter = {};
  const name = optionalString(request, 'name');
  const namePattern = optionalString(request, 'namePattern');
  if (name !== undefined) filter.name = name;
  if (namePattern !== undefined) filter.namePattern = namePattern;
  return filter;
}

/** Text the database can store: NUL is the one character PostgreSQL text rejects. */
function storable(text: string): boolean {
  return !text.includes('\u0000');
}

function checkName(value: unknown): string {
  if (value == null) throw DhError.validation(NAME_NULL);
  if (typeof value !== 'string') throw new DhError('INVALID_REQUEST_PARAMETERS');
  if (value.length < 1 || value.length > MAX_LENGTH || !storable(value)) {
    throw DhError.validation(NAME_LENGTH);
  }
  return value;
}

function checkDescription(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value !== 'string') throw new DhError('INVALID_REQUEST_PARAMETERS');
  if (value.length > MAX_LENGTH || !storable(value)) throw DhError.validation(DESCRIPTION_LENGTH);
  return value;
}

const isForced = (request: JsonObject): boolean =>
  request['force'] === true || request['force'] === 'true';

/** Builds the six actions of one named entity kind from its configuration. */
export function namedEntityActions(config: NamedEntityActionConfig): {
  list: ActionImpl;
  count: ActionImpl;
  get: ActionImpl;
  insert: ActionImpl;
  update: ActionImpl;
  delete: ActionImpl;
} {
  const { repository, errors } = config;

  /** The id of the request, or 400 when absent; NaN (404 later) when no row can have it. */
  const requireId = (request: JsonObject): number => {
    const id = parseId(request[config.idField]);
    if (id == null) throw new DhError(errors.idRequired);
    return id;
  };

  const notFound = (request: JsonObject) =>
    new DhError(errors.notFound, idText(request[config.idField]));

  const findOrThrow = async (
    ctx: ActionContext,
    request: JsonObject,
    options: { forUpdate?: boolean } = {},
  ): Promise<NamedEntityRecord> => {
    const id = requireId(request);
    const entity = isStorableId(id) ? await repository.find(ctx.sql, id, options) : null;
    if (entity == null) throw notFound(request);
    return entity;
  };

  const deviceScopeOf = (id: number): Pick<DeviceQuery, 'networkId' | 'deviceTypeId'> =>
    config.idField === 'networkId' ? { networkId: id } : { deviceTypeId: id };

  const requireObject = (request: JsonObject): JsonObject => {
    const object = request[config.objectField];
    if (!isJsonObject(object)) throw new DhError(errors.required);
    return object;
  };

  return {
    async list(ctx, request): Promise<ActionOutcome> {
      const ids = config.visibleIds(requirePrincipal(ctx));
      const filter = readNameFilter(request);
      const { sort, page } = readListQuery(request, SORT_FIELDS, 'id');
      if (isEmptyScope(ids)) return { body: { [config.listField]: [] } };
      const entities = await repository.list(ctx.sql, { ...filter, ids }, sort, page);
      return { body: { [config.listField]: entities } };
    },

    async count(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      const ids = config.countVisibleOnly ? config.visibleIds(principal) : '*';
      const count = await repository.count(ctx.sql, { ...readNameFilter(request), ids });
      return { body: { count } };
    },

    async get(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      const entity = await findOrThrow(ctx, request);
      if (!inScope(config.visibleIds(principal), entity.id)) throw notFound(request);
      const devices = await listAllDevices(ctx.sql, {
        ...deviceScopeOf(entity.id),
        ...visibleDeviceScopes(principal),
      });
      return {
        body: {
          [config.objectField]: {
            ...entity,
            devices: devices.map(({ id, name, data, isBlocked }) => ({
              id,
              name,
              data,
              isBlocked,
            })),
          },
        },
      };
    },

    async insert(ctx, request): Promise<ActionOutcome> {
      requirePrincipal(ctx);
      const object = requireObject(request);
      if (object['id'] != null) throw new DhError('ID_NOT_ALLOWED');
      const name = checkName(object['name']);
      const description = checkDescription(object['description']);
      const id = await ctx.sql
        .transaction(async (tx) => {
          if (await repository.existsByName(tx, name)) throw new DhError(errors.duplicate);
          return repository.insert(tx, { name, description });
        })
        .catch((error: unknown) => {
          // A concurrent insert of the same name slipped between the check and the insert.
          if (sqlState(error) === UNIQUE_VIOLATION) throw new DhError(errors.duplicate);
          throw error;
        });
      return { body: { [config.objectField]: { id } } };
    },

    async update(ctx, request): Promise<ActionOutcome> {
      requirePrincipal(ctx);
      requireId(request);
      const object = requireObject(request);
      const changes: Partial<NamedEntityRecord> = {};
      if ('name' in object) changes.name = checkName(object['name']);
      if ('description' in object) changes.description = checkDescription(object['description']);
      await ctx.sql
        .transaction(async (tx) => {
          const entity = await findOrThrow({ ...ctx, sql: tx }, request, { forUpdate: true });
          const updated = { ...entity, ...changes };
          // A duplicate name is a constraint conflict here, not the insert's 403
          // (docs/api/device-types.md).
          if (await repository.existsByName(tx, updated.name, entity.id)) {
            throw new DhError('DH_ERR_CONFLICT');
          }
          await repository.update(tx, updated);
        })
        .catch((error: unknown) => {
          if (sqlState(error) === UNIQUE_VIOLATION) throw new DhError('DH_ERR_CONFLICT');
          throw error;
        });
      return { body: {} };
    },

    async delete(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      requireId(request);
      await ctx.sql.transaction(async (tx) => {
        const entity = await findOrThrow({ ...ctx, sql: tx }, request, { forUpdate: true });
        if (!isForced(request)) {
          const scopes = config.guardVisibleDevicesOnly
            ? visibleDeviceScopes(principal)
            : { networkIds: '*' as const, deviceTypeIds: '*' as const };
          const devices = await listAllDevices(tx, { ...deviceScopeOf(entity.id), ...scopes });
          if (devices.length > 0) {
            throw new DhError(errors.deletionNotAllowed, devices.map((d) => d.id).join(', '));
          }
        }
        await repository.delete(tx, entity.id);
      });
      return { body: {} };
    },
  };
}
