import { DhError } from '@dh-mqtt/protocol';
import type { ActionContext, ActionImpl, ActionOutcome, ActionTable } from '../core/action';
import {
  assignEntity,
  entityExists,
  findAssignedEntity,
  findEntity,
  listAllEntities,
  listAssignedEntities,
  unassignEntity,
  type AssignmentKind,
} from '../repositories/user-assignment.repository';
import {
  findUserById,
  isForeignKeyViolation,
  updateUser,
  type UserRecord,
} from '../repositories/user.repository';
import { userIdOf } from './user-request';
import { namedView } from '../views/named-entity.views';

const NOT_FOUND = { network: 'NETWORK_NOT_FOUND', deviceType: 'DEVICE_TYPE_NOT_FOUND' } as const;
const USER_NOT_ASSIGNED = {
  network: 'USER_NETWORK_NOT_FOUND',
  deviceType: 'USER_DEVICE_TYPE_NOT_FOUND',
} as const;

interface Target {
  user: UserRecord;
  /** The network or device type id. */
  id: number;
  text: string;
}

const ID_FIELD = { network: 'networkId', deviceType: 'deviceTypeId' } as const;

/** A user ↔ network or user ↔ device-type request; the DTO checked both ids. */
type TargetRequest<K extends AssignmentKind> = { userId: number } & Record<
  (typeof ID_FIELD)[K],
  number
>;

/** An implementation over the request shape shared by the network and device-type actions. */
type KindImpl<K extends AssignmentKind> = (
  ctx: ActionContext,
  request: TargetRequest<K>,
) => Promise<ActionOutcome>;

/** Loads the user (404 when unknown) and reads the network or device type id. */
async function readTarget<K extends AssignmentKind>(
  ctx: ActionContext,
  request: TargetRequest<K>,
  kind: K,
): Promise<Target> {
  const userId = userIdOf(request);
  const id: number = request[ID_FIELD[kind]];
  const user = await findUserById(ctx.sql, userId.id);
  if (!user) throw new DhError('USER_NOT_FOUND', userId.text);
  return { user, id, text: String(id) };
}

/** Device-type assignments only matter when the user is restricted (docs/api/users.md). */
function checkDeviceTypesRestricted(kind: AssignmentKind, user: UserRecord): void {
  if (kind === 'deviceType' && user.allDeviceTypesAvailable) {
    throw new DhError('DEVICE_TYPE_ASSIGNMENT_NOT_ALLOWED');
  }
}

/**
 * `user/getNetwork`, `user/getDeviceType`: the reply nests the entity twice (docs/api/users.md).
 */
const getAssigned =
  <K extends AssignmentKind>(kind: K, key: 'network' | 'deviceType'): KindImpl<K> =>
  async (ctx, request) => {
    const { user, id, text } = await readTarget(ctx, request, kind);
    // A user with every device type available has each existing one (docs/api/README.md).
    const entity =
      kind === 'deviceType' && user.allDeviceTypesAvailable
        ? await findEntity(ctx.sql, kind, id)
        : await findAssignedEntity(ctx.sql, kind, user.id, id);
    if (!entity) throw new DhError(USER_NOT_ASSIGNED[kind], text, user.id);
    return { body: { [key]: { [key]: namedView(entity) } } };
  };

/** `user/assignNetwork`, `user/assignDeviceType`: idempotent (docs/api/users.md). */
const assign =
  <K extends AssignmentKind>(kind: K): KindImpl<K> =>
  async (ctx, request) => {
    const { user, id, text } = await readTarget(ctx, request, kind);
    checkDeviceTypesRestricted(kind, user);
    if (!(await entityExists(ctx.sql, kind, id))) throw new DhError(NOT_FOUND[kind], text);
    try {
      await assignEntity(ctx.sql, kind, user.id, id);
    } catch (error) {
      if (!isForeignKeyViolation(error)) throw error;
      // The user or the entity was deleted between the checks and the insert.
      if (!(await entityExists(ctx.sql, kind, id))) throw new DhError(NOT_FOUND[kind], text);
      throw new DhError('USER_NOT_FOUND', user.id);
    }
    return { body: {} };
  };

/**
 * `user/unassignNetwork`, `user/unassignDeviceType`: unassigning an unassigned entity is a no-op.
 */
const unassign =
  <K extends AssignmentKind>(kind: K): KindImpl<K> =>
  async (ctx, request) => {
    const { user, id, text } = await readTarget(ctx, request, kind);
    checkDeviceTypesRestricted(kind, user);
    if (!(await entityExists(ctx.sql, kind, id))) throw new DhError(NOT_FOUND[kind], text);
    await unassignEntity(ctx.sql, kind, user.id, id);
    return { body: {} };
  };

/** `user/getDeviceTypes`: every device type when all are available, else the assigned ones. */
const getDeviceTypes: ActionImpl<'user/getDeviceTypes'> = async (ctx, request) => {
  const { id, text } = userIdOf(request);
  const user = await findUserById(ctx.sql, id);
  if (!user) throw new DhError('USER_NOT_FOUND', text);
  const deviceTypes = user.allDeviceTypesAvailable
    ? await listAllEntities(ctx.sql, 'deviceType')
    : await listAssignedEntities(ctx.sql, 'deviceType', id);
  return { body: { deviceTypes: deviceTypes.map(namedView) } };
};

/**
 * `user/allowAllDeviceTypes`, `user/disallowAllDeviceTypes`. Existing assignments are kept: they
 * apply again once the user is restricted.
 */
const setAllDeviceTypes =
  (
    allDeviceTypesAvailable: boolean,
  ): ActionImpl<'user/allowAllDeviceTypes' | 'user/disallowAllDeviceTypes'> =>
  async (ctx, request) => {
    const { id, text } = userIdOf(request);
    if (!(await updateUser(ctx.sql, id, { allDeviceTypesAvailable }))) {
      throw new DhError('USER_NOT_FOUND', text);
    }
    return { body: {} };
  };

/**
 * The user↔network actions and the user↔device-type extras (docs/api/users.md).
 */
export const userAssignmentActions: ActionTable = {
  'user/getNetwork': getAssigned('network', 'network'),
  'user/assignNetwork': assign('network'),
  'user/unassignNetwork': unassign('network'),
  'user/getDeviceType': getAssigned('deviceType', 'deviceType'),
  'user/getDeviceTypes': getDeviceTypes,
  'user/assignDeviceType': assign('deviceType'),
  'user/unassignDeviceType': unassign('deviceType'),
  'user/allowAllDeviceTypes': setAllDeviceTypes(true),
  'user/disallowAllDeviceTypes': setAllDeviceTypes(false),
};
