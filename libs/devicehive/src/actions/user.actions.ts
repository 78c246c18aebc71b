import { DhError, UserRole, type JsonObject, type UserUpdateBody } from '@dh-mqtt/protocol';
import { requirePrincipal } from '../core/access';
import type { ActionContext, ActionImpl, ActionTable } from '../core/action';
import { listAssignedEntities } from '../repositories/user-assignment.repository';
import {
  countUsers,
  deleteUser,
  findUserById,
  findUserIdByLogin,
  insertUser,
  isUniqueViolation,
  listUsers,
  updateUser,
  type UserChanges,
} from '../repositories/user.repository';
import { hashNewPassword } from '../auth/password';
import { userAssignmentActions } from './user-assignment.actions';
import { readUserFilter, readUserListOptions, userIdOf, type RequestId } from './user-request';
import { listedUserView, publishedUserView, submittedUserView } from '../views/user.views';

const present = (value: unknown) => value !== undefined && value !== null;

async function publishedUser(ctx: ActionContext, userId: number): Promise<JsonObject | undefined> {
  const user = await findUserById(ctx.sql, userId);
  if (!user) return undefined;
  const networks = await listAssignedEntities(ctx.sql, 'network', userId);
  return publishedUserView(user, networks);
}

/**
 * `user/update` and `user/updateCurrent` (docs/api/users.md): partial update where `data` is always
 * replaced (null when omitted, a reference quirk), the password only when non-empty, and login,
 * role, status and allDeviceTypesAvailable reserved to ADMIN callers. A new password is stored as
 * scrypt (auth/password.ts). A status set here is the admin's: it clears `locked_at`, so a
 * LOCKED_OUT set here never expires, and ACTIVE also resets the failed attempts (docs/security.md).
 */
async function applyUserUpdate(ctx: ActionContext, target: RequestId, payload: UserUpdateBody) {
  const caller = requirePrincipal(ctx);
  const userId = target.id;
  const existing = await findUserById(ctx.sql, userId);
  if (!existing) throw new DhError('USER_NOT_FOUND', target.text);
  // A CLIENT may change only its password, data and introReviewed (docs/api/users.md); the
  // device-type flag is guarded too, or a CLIENT could widen its own access (docs/api/README.md).
  const wantsAdminChange = [
    payload.login,
    payload.status,
    payload.role,
    payload.allDeviceTypesAvailable,
  ].some(present);
  if (caller.role !== UserRole.Admin && wantsAdminChange) {
    throw new DhError('ADMIN_PERMISSIONS_REQUIRED');
  }
  const changes: UserChanges = { data: (payload.data ?? null) as JsonObject | null };
  if (payload.login != null) {
    const holder = await findUserIdByLogin(ctx.sql, payload.login);
    if (holder !== null && holder !== userId) throw new DhError('DUPLICATE_LOGIN');
    changes.login = payload.login;
  }
  // The DTO made an empty password absent: it is applied only when non-empty.
  const password = payload.password ?? undefined;
  if (payload.role != null) changes.role = payload.role;
  if (payload.status != null) changes.status = payload.status;
  if (payload.introReviewed != null) changes.introReviewed = payload.introReviewed;
  if (payload.allDeviceTypesAvailable != null) {
    changes.allDeviceTypesAvailable = payload.allDeviceTypesAvailable;
  }
  // Hashed once everything else is valid: a refused request costs no scrypt.
  if (password !== undefined) changes.passwordHash = await hashNewPassword(password);
  let updated: boolean;
  try {
    updated = await updateUser(ctx.sql, userId, changes);
  } catch (error) {
    // Another request took the login between the check above and this update.
    if (isUniqueViolation(error)) throw new DhError('DUPLICATE_LOGIN');
    throw error;
  }
  if (!updated) throw new DhError('USER_NOT_FOUND', target.text);
}

const list: ActionImpl<'user/list'> = async (ctx, request) => {
  const users = await listUsers(ctx.sql, readUserFilter(request), readUserListOptions(request));
  return { body: { users: users.map(listedUserView) } };
};

const count: ActionImpl<'user/count'> = async (ctx, request) => {
  const n = await countUsers(ctx.sql, readUserFilter(request));
  return { body: { count: n } };
};

const get: ActionImpl<'user/get'> = async (ctx, request) => {
  const caller = requirePrincipal(ctx);
  const { id, text } = userIdOf(request);
  // A CLIENT caller cannot see other users: same 404 as a missing one (docs/api/users.md).
  const user =
    caller.role === UserRole.Admin || caller.userId === id
      ? await publishedUser(ctx, id)
      : undefined;
  if (!user) throw new DhError('USER_NOT_FOUND', text);
  return { body: { user } };
};

const insert: ActionImpl<'user/insert'> = async (ctx, { user: payload }) => {
  const { login, role, status, password } = payload;
  const fields = {
    login,
    role,
    status,
    data: (payload.data ?? null) as JsonObject | null,
    introReviewed: payload.introReviewed,
    allDeviceTypesAvailable: payload.allDeviceTypesAvailable,
  };
  // Hashed once everything else is valid: a refused request costs no scrypt.
  const user = await insertUser(ctx.sql, {
    ...fields,
    passwordHash: await hashNewPassword(password),
  });
  if (!user) throw new DhError('DUPLICATE_LOGIN');
  return { body: { user: submittedUserView(user) } };
};

const update: ActionImpl<'user/update'> = async (ctx, request) => {
  await applyUserUpdate(ctx, userIdOf(request), request.user);
  return { body: {} };
};

const remove: ActionImpl<'user/delete'> = async (ctx, request) => {
  const caller = requirePrincipal(ctx);
  const { id, text } = userIdOf(request);
  if (id === caller.userId) throw new DhError('CANT_DELETE_CURRENT_USER_KEY');
  if (!(await deleteUser(ctx.sql, id))) throw new DhError('USER_NOT_FOUND', text);
  return { body: {} };
};

const getCurrent: ActionImpl<'user/getCurrent'> = async (ctx) => {
  const current = await publishedUser(ctx, requirePrincipal(ctx).userId);
  if (!current) throw new DhError('CAN_NOT_GET_CURRENT_USER');
  return { body: { current } };
};

const updateCurrent: ActionImpl<'user/updateCurrent'> = async (ctx, request) => {
  const userId = requirePrincipal(ctx).userId;
  await applyUserUpdate(ctx, { id: userId, text: String(userId) }, request.user);
  return { body: {} };
};

/**
 * The `user/*` actions (docs/api/users.md). Replies never carry the password hash,
 * salt or loginAttempts. Permission and authentication are checked before these run
 * (docs/api/README.md).
 */
export const userActions: ActionTable = {
  'user/list': list,
  'user/count': count,
  'user/get': get,
  'user/insert': insert,
  'user/update': update,
  'user/delete': remove,
  'user/getCurrent': getCurrent,
  'user/updateCurrent': updateCurrent,
  ...userAssignmentActions,
};
