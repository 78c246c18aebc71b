import {
  DhError,
  inScope,
  type ErrorCode,
  type IdScope,
  type NamedEntityInsertBody,
  type NamedEntityUpdateBody,
  type Principal,
} from '@dh-mqtt/protocol';
import { isEmptyScope, requirePrincipal, visibleDeviceScopes } from '../core/access';
import type { ActionContext, ActionOutcome } from '../core/action';
import { entityListQuery, isStorableText, type EntityPage } from '../core/request-fields';
import { listAllDevices, type DeviceQuery } from '../repositories/device.repository';
import {
  countNamedEntities,
  deleteNamedEntity,
  findNamedEntity,
  insertNamedEntity,
  isNamedEntityNameTaken,
  listNamedEntities,
  updateNamedEntity,
  type NamedEntityRecord,
  type NamedEntitySortField,
  type NamedEntityTable,
} from '../repositories/named-entity.repository';
import { namedView, namedWithDevicesView } from '../views/named-entity.views';
import { sqlState, UNIQUE_VIOLATION, type NameFilter } from '../repositories/query-builder';

/**
 * What differs between `network/*` and `devicetype/*` (docs/api/device-types.md,
 * docs/api/networks.md): field names, error codes, and which ids the principal may see.
 */
export interface NamedEntityActionConfig<
  IdField extends 'networkId' | 'deviceTypeId',
  ObjectField extends 'network' | 'deviceType',
> {
  /** Where the entities are stored: `dh_network` / `dh_device_type`. */
  table: NamedEntityTable;
  /** Request field of the id: `networkId` / `deviceTypeId`. */
  idField: IdField;
  /** Request and reply field of one entity: `network` / `deviceType`. */
  objectField: ObjectField;
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

const SORT_KEYS: Readonly<Record<'id' | 'name', NamedEntitySortField>> = { id: 'id', name: 'name' };

// Entity-level validation texts of the reference (docs/api/networks.md).
const NAME_NULL = 'name field cannot be null.';
const NAME_LENGTH = 'Field cannot be empty. The length of name should be from 1 to 128 symbols.';
const DESCRIPTION_LENGTH = 'The length of description should not be more than 128 symbols.';

function readNameFilter(request: NameFilter): NameFilter {
  const filter: NameFilter = {};
  if (request.name != null) filter.name = request.name;
  if (request.namePattern != null) filter.namePattern = request.namePattern;
  return filter;
}

/**
 * The DTO checked the kinds and lengths; what is left is what PostgreSQL cannot store (NUL), with
 * the reference's texts.
 */
function checkName(value: string | null | undefined): string {
  if (value == null) throw DhError.validation(NAME_NULL);
  if (!isStorableText(value)) throw DhError.validation(NAME_LENGTH);
  return value;
}

function checkDescription(value: string | null | undefined): string | null {
  if (value == null) return null;
  if (!isStorableText(value)) throw DhError.validation(DESCRIPTION_LENGTH);
  return value;
}

/** An implementation over the structural request type every entity kind's DTO satisfies. */
type Impl<R> = (ctx: ActionContext, request: R) => Promise<ActionOutcome>;

/** Builds the six actions of one named entity kind from its configuration. */
export function namedEntityActions<
  IdField extends 'networkId' | 'deviceTypeId',
  ObjectField extends 'network' | 'deviceType',
>(
  config: NamedEntityActionConfig<IdField, ObjectField>,
): {
  list: Impl<NameFilter & EntityPage<'id' | 'name'>>;
  count: Impl<NameFilter>;
  get: Impl<Record<IdField, number>>;
  insert: Impl<Record<ObjectField, NamedEntityInsertBody>>;
  update: Impl<Record<IdField, number> & Record<ObjectField, NamedEntityUpdateBody>>;
  delete: Impl<Record<IdField, number> & { force: boolean }>;
} {
  const { table, errors } = config;

  const notFound = (id: number) => new DhError(errors.notFound, String(id));

  const findOrThrow = async (
    ctx: ActionContext,
    id: number,
    options: { forUpdate?: boolean } = {},
  ): Promise<NamedEntityRecord> => {
    const entity = await findNamedEntity(ctx.sql, table, id, options);
    if (entity == null) throw notFound(id);
    return entity;
  };

  const deviceScopeOf = (id: number): Pick<DeviceQuery, 'networkId' | 'deviceTypeId'> =>
    config.idField === 'networkId' ? { networkId: id } : { deviceTypeId: id };

  return {
    async list(ctx, request): Promise<ActionOutcome> {
      const ids = config.visibleIds(requirePrincipal(ctx));
      const filter = readNameFilter(request);
      const { sort, page } = entityListQuery(request, SORT_KEYS, 'id');
      if (isEmptyScope(ids)) return { body: { [config.listField]: [] } };
      const entities = await listNamedEntities(ctx.sql, table, { ...filter, ids }, sort, page);
      return { body: { [config.listField]: entities.map(namedView) } };
    },

    async count(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      const ids = config.countVisibleOnly ? config.visibleIds(principal) : '*';
      const count = await countNamedEntities(ctx.sql, table, { ...readNameFilter(request), ids });
      return { body: { count } };
    },

    async get(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      const entity = await findOrThrow(ctx, request[config.idField]);
      if (!inScope(config.visibleIds(principal), entity.id)) throw notFound(entity.id);
      const devices = await listAllDevices(ctx.sql, {
        ...deviceScopeOf(entity.id),
        ...visibleDeviceScopes(principal),
      });
      return { body: { [config.objectField]: namedWithDevicesView(entity, devices) } };
    },

    async insert(ctx, request): Promise<ActionOutcome> {
      requirePrincipal(ctx);
      const object = request[config.objectField];
      const name = checkName(object.name);
      const description = checkDescription(object.description);
      const id = await ctx.sql
        .transaction(async (tx) => {
          if (await isNamedEntityNameTaken(tx, table, name)) throw new DhError(errors.duplicate);
          return insertNamedEntity(tx, table, { name, description });
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
      const object = request[config.objectField];
      // Absent fields keep their value; a null name is refused, a null description clears it.
      const changes: Partial<NamedEntityRecord> = {};
      if (object.name !== undefined) changes.name = checkName(object.name);
      if (object.description !== undefined) {
        changes.description = checkDescription(object.description);
      }
      await ctx.sql
        .transaction(async (tx) => {
          const entity = await findOrThrow({ ...ctx, sql: tx }, request[config.idField], {
            forUpdate: true,
          });
          const updated = { ...entity, ...changes };
          // A duplicate name is a constraint conflict here, not the insert's 403
          // (docs/api/device-types.md).
          if (await isNamedEntityNameTaken(tx, table, updated.name, entity.id)) {
            throw new DhError('DH_ERR_CONFLICT');
          }
          await updateNamedEntity(tx, table, updated);
        })
        .catch((error: unknown) => {
          if (sqlState(error) === UNIQUE_VIOLATION) throw new DhError('DH_ERR_CONFLICT');
          throw error;
        });
      return { body: {} };
    },

    async delete(ctx, request): Promise<ActionOutcome> {
      const principal = requirePrincipal(ctx);
      await ctx.sql.transaction(async (tx) => {
        const entity = await findOrThrow({ ...ctx, sql: tx }, request[config.idField], {
          forUpdate: true,
        });
        if (!request.force) {
          const scopes = config.guardVisibleDevicesOnly
            ? visibleDeviceScopes(principal)
            : { networkIds: '*' as const, deviceTypeIds: '*' as const };
          const devices = await listAllDevices(tx, { ...deviceScopeOf(entity.id), ...scopes });
          if (devices.length > 0) {
            throw new DhError(errors.deletionNotAllowed, devices.map((d) => d.id).join(', '));
          }
        }
        await deleteNamedEntity(tx, table, entity.id);
      });
      return { body: {} };
    },
  };
}
